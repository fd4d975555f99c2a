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
 * Log lines are written in batches of at least this many bytes (about 40 request lines), or
 * every LOG_FLUSH_MS, whichever comes first. Each write is a system call and a round through
 * libuv's thread pool: written as soon as one line was there, they cost 4.5% of a status read's
 * CPU (a CPU profile of `npm run bench`).
 */
const LOG_BATCH_BYTES = 12 * 1024;
/** The longest a log line waits to be written when traffic is too light to fill a batch. */
const LOG_FLUSH_MS = 500;

/**
 * One pino logger for Fastify's request logs and Nest's own messages: JSON lines on stdout,
 * written asynchronously in batches (LOG_BATCH_BYTES, LOG_FLUSH_MS). What is buffered is written
 * when the process exits (pino flushes on 'exit', an uncaught error included), and lost when it
 * is killed without exiting (kill -9, the OOM killer, V8 out of heap). Tests give their own
 * destination.
 */
export function createLogger(
  level: string,
  destination: pino.DestinationStream = pino.destination({
    sync: false,
    minLength: LOG_BATCH_BYTES,
    periodicFlush: LOG_FLUSH_MS,
  }),
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
