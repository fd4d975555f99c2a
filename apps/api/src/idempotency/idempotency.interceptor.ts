import { createHash } from 'node:crypto';
import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { catchError, from, mergeMap, Observable } from 'rxjs';
import { AppError } from '../errors/app-error';
import { toProblem } from '../errors/problem';
import type { Prisma } from '../generated/prisma/client';
import { IdempotencyRepository, KeyScope } from './idempotency.repository';

export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
const WAIT_MS = 10_000;
const POLL_MS = 50;
const KEY = /^[\x21-\x7e]{1,255}$/;

const toJson = (value: object): Prisma.InputJsonValue =>
  JSON.parse(JSON.stringify(value)) as Prisma.InputJsonValue;

/** JSON with sorted keys, so that the same body always has the same fingerprint. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) =>
      a < b ? -1 : a > b ? 1 : 0,
    );
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/**
 * `Idempotency-Key` on any POST: the first request with a key runs; a retry with the same key
 * and body replays its status and body, one with another body is 409 IDEMPOTENCY_KEY_REUSED, and
 * one arriving while the first still runs waits for it (up to 10 s). Keys belong to one
 * principal, method and path, and are kept in PostgreSQL for 24 hours.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(private readonly keys: IdempotencyRepository) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    const key = request.headers['idempotency-key'];
    if (request.method !== 'POST' || key === undefined || !request.principal) return next.handle();
    if (typeof key !== 'string' || !KEY.test(key)) {
      throw new AppError('VALIDATION_FAILED', 'Idempotency-Key must be 1–255 visible characters.', [
        { field: 'Idempotency-Key', message: 'must be 1–255 visible ASCII characters' },
      ]);
    }
    const scope: KeyScope = {
      principal: `${request.principal.role}:${request.principal.id}`,
      method: request.method,
      path: request.url.split('?')[0],
      key,
    };
    // Uploads are fingerprinted by their headers only: the body is a stream not read yet.
    const payload = request.isMultipart()
      ? { multipart: request.headers['content-type'], length: request.headers['content-length'] }
      : request.body;
    const fingerprint = createHash('sha256').update(canonical(payload)).digest('hex');

    return from(
      this.keys.reserve(scope, fingerprint, new Date(Date.now() + IDEMPOTENCY_TTL_MS)),
    ).pipe(
      mergeMap((first) => {
        if (!first) return from(this.replay(scope, fingerprint, reply));
        return next.handle().pipe(
          mergeMap(async (body: unknown) => {
            await this.keys.complete(
              scope,
              reply.statusCode,
              (body ?? null) as Prisma.InputJsonValue,
            );
            return body;
          }),
          catchError(async (error: unknown) => {
            const problem = toProblem(error, String(request.id));
            if (problem.status >= 500) await this.keys.release(scope);
            else await this.keys.complete(scope, problem.status, toJson(problem));
            throw error;
          }),
        );
      }),
    );
  }

  /** Waits for the first request with this key to finish, then answers what it answered. */
  private async replay(
    scope: KeyScope,
    fingerprint: string,
    reply: FastifyReply,
  ): Promise<unknown> {
    const deadline = Date.now() + WAIT_MS;
    for (;;) {
      const record = await this.keys.find(scope);
      if (!record) {
        throw new AppError(
          'IDEMPOTENCY_KEY_IN_PROGRESS',
          'The first request with this key failed; retry.',
        );
      }
      if (record.fingerprint !== fingerprint) {
        throw new AppError(
          'IDEMPOTENCY_KEY_REUSED',
          'This Idempotency-Key was used with a different request body.',
        );
      }
      if (record.responseStatus !== null) {
        void reply.status(record.responseStatus).header('Idempotent-Replayed', 'true');
        if (record.responseStatus >= 400) void reply.type('application/problem+json');
        return record.responseBody;
      }
      if (Date.now() > deadline) {
        throw new AppError(
          'IDEMPOTENCY_KEY_IN_PROGRESS',
          'A request with this Idempotency-Key is still running; retry shortly.',
        );
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }
}
