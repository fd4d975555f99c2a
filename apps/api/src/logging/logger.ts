import { LoggerService } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import pino, { Logger } from 'pino';

/**
 * Where headers can reach a log line: a request or a headers object logged as such, and
 * @fastify/multipart's `busboyOptions.headers` (at trace level). Named paths, not wildcards
 * (`*.headers.authorization`): pino checks a named path in constant time, while a wildcard walks
 * every key of every line, the request's one line included (about 2% of a read's CPU).
 */
export const REDACTED_PATHS = ['headers', 'req.headers', 'busboyOptions.headers'].flatMap(
  (headers) => [`${headers}.authorization`, `${headers}.cookie`],
);

/**
 * One pino logger for Fastify's request logs and Nest's own messages: JSON lines on stdout,
 * written asynchronously (lines written together under load, one system call for many; what is
 * buffered is flushed when the process exits, though not on a kill -9). Tests give their own
 * destination.
 */
export function createLogger(
  level: string,
  destination: pino.DestinationStream = pino.destination({ sync: false }),
): Logger {
  return pino(
    {
      level,
      base: { service: 'refund-desk' },
      // Tokens and secrets never reach the logs, whatever a request carries.
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      serializers: {
        req: (req: { id: string; method: string; url: string }) => ({
          id: req.id,
          method: req.method,
          url: req.url,
        }),
      },
    },
    destination,
  );
}

/**
 * A request's one log line, once it is answered: what was asked, the status and how long it
 * took. (Fastify's own request logging, turned off, writes one line on arrival and one on answer.)
 */
export function logRequest(request: FastifyRequest, reply: FastifyReply): void {
  reply.log.info(
    { req: request, res: reply, responseTime: reply.elapsedTime },
    'request completed',
  );
}

/** Lets Nest write through the same pino logger. */
export class PinoLoggerService implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, context?: string): void {
    this.logger.info({ context }, String(message));
  }
  error(message: unknown, trace?: string, context?: string): void {
    this.logger.error({ context, trace }, String(message));
  }
  warn(message: unknown, context?: string): void {
    this.logger.warn({ context }, String(message));
  }
  debug(message: unknown, context?: string): void {
    this.logger.debug({ context }, String(message));
  }
  verbose(message: unknown, context?: string): void {
    this.logger.trace({ context }, String(message));
  }
}
