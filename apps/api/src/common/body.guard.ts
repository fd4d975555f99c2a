import { CanActivate, ExecutionContext, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { AppError } from '../errors/app-error';
import { FORBIDDEN_KEYS } from './json-body';

const ACCEPTS_MULTIPART = 'body:multipart';

/** The route reads a multipart/form-data body itself (uploads). */
export const AcceptsMultipart = (): MethodDecorator => SetMetadata(ACCEPTS_MULTIPART, true);

/**
 * Answers the problems found in the body (see json-body.ts), and forbidden query parameters
 * (which validation would skip as it skips such body keys), once the caller is known: a guard
 * registered after authentication and rate limiting, so those answer first.
 */
@Injectable()
export class BodyGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    if (request.bodyError) throw request.bodyError;
    const forbidden = Object.keys(request.query ?? {}).filter((key) =>
      FORBIDDEN_KEYS.includes(key),
    );
    if (forbidden.length > 0) {
      throw new AppError(
        'VALIDATION_FAILED',
        'The request is invalid.',
        forbidden.map((field) => ({ field, message: 'is not accepted' })),
      );
    }
    if (
      request.isMultipart() &&
      !this.reflector.get<boolean>(ACCEPTS_MULTIPART, context.getHandler())
    ) {
      throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'This route takes a JSON body.');
    }
    return true;
  }
}
