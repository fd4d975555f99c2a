import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { from, lastValueFrom, Observable } from 'rxjs';
import { fingerprint, IdempotencyService } from './idempotency.service';

/**
 * Applies Idempotency-Key to every JSON POST. Multipart uploads are keyed by their handler, once
 * the file is read: only then is there something to fingerprint.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(private readonly idempotency: IdempotencyService) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    if (request.method !== 'POST' || request.isMultipart()) return next.handle();
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    return from(
      this.idempotency.run(request, reply, fingerprint(request.body), () =>
        lastValueFrom(next.handle(), { defaultValue: undefined }),
      ),
    );
  }
}
