import {
  CallHandler,
  ExecutionContext,
  Injectable,
  NestInterceptor,
  SetMetadata,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { from, lastValueFrom, Observable } from 'rxjs';
import { fingerprint, IdempotencyService } from './idempotency.service';

const NOT_REPLAYED = 'idempotency:not-replayed';

/**
 * These fields of the answer are shown once: a replay answers without them (a webhook
 * endpoint's signing secret), and they are never stored with the key.
 */
export const NotReplayed = (...fields: string[]): MethodDecorator =>
  SetMetadata(NOT_REPLAYED, fields);

/**
 * Applies Idempotency-Key to every JSON POST. Multipart uploads are keyed by their handler, once
 * the file is read: only then is there something to fingerprint.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(
    private readonly idempotency: IdempotencyService,
    private readonly reflector: Reflector,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    if (request.method !== 'POST' || request.isMultipart()) return next.handle();
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    const notReplayed = this.reflector.get<string[] | undefined>(
      NOT_REPLAYED,
      context.getHandler(),
    );
    return from(
      this.idempotency.run(
        request,
        reply,
        fingerprint(request.body),
        () => lastValueFrom(next.handle(), { defaultValue: undefined }),
        notReplayed,
      ),
    );
  }
}
