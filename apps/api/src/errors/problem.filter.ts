import { ArgumentsHost, Catch, ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { negotiateLanguage } from '../i18n/i18n';
import { toProblem } from './problem';

/** Renders a problem+json response; shared by the Nest filter and Fastify's own error handler. */
export function sendProblem(error: unknown, request: FastifyRequest, reply: FastifyReply): void {
  const language = negotiateLanguage(request.headers);
  const body = toProblem(error, String(request.id), language);
  if (body.status >= 500) {
    request.log.error({ err: error }, 'request failed');
  }
  void reply
    .status(body.status)
    .header('X-Request-Id', request.id)
    .header('Content-Language', language)
    .type('application/problem+json')
    .send(body);
}

@Catch()
export class ProblemFilter implements ExceptionFilter {
  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    sendProblem(error, http.getRequest<FastifyRequest>(), http.getResponse<FastifyReply>());
  }
}
