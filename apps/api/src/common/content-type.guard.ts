import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { AppError } from '../errors/app-error';

/**
 * 415 for a body of a type no route reads. Fastify would refuse it before any guard ran;
 * create-app.ts lets it through unread and flags it, so that a request without a valid token
 * still gets its 401 first.
 */
@Injectable()
export class ContentTypeGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    if (request.unsupportedMediaType) {
      throw new AppError(
        'UNSUPPORTED_MEDIA_TYPE',
        'Send JSON (application/json), or multipart/form-data for uploads.',
      );
    }
    return true;
  }
}
