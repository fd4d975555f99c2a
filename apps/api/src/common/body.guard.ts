import { CanActivate, ExecutionContext, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { AppError } from '../errors/app-error';

const ACCEPTS_MULTIPART = 'body:multipart';

/** The route reads a multipart/form-data body itself (uploads). */
export const AcceptsMultipart = (): MethodDecorator => SetMetadata(ACCEPTS_MULTIPART, true);

/**
 * Answers the problems found in the body (see json-body.ts) once the caller is known: a guard
 * registered after authentication and rate limiting, so those answer first.
 */
@Injectable()
export class BodyGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    if (request.bodyError) throw request.bodyError;
    if (
      request.isMultipart() &&
      !this.reflector.get<boolean>(ACCEPTS_MULTIPART, context.getHandler())
    ) {
      throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'This route takes a JSON body.');
    }
    return true;
  }
}
