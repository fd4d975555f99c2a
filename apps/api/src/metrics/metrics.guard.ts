import { createHash, timingSafeEqual } from 'node:crypto';
import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { bearerToken } from '../auth/token.service';
import { AppConfig } from '../config/app-config';
import { AppError } from '../errors/app-error';

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * GET /metrics: a `system` token, or the static METRICS_TOKEN when set (a scraper's
 * configuration holds a static secret more easily than a token that expires). The route is
 * @Public() so that the AuthGuard lets the static token through; this guard does the rest.
 */
@Injectable()
export class MetricsGuard implements CanActivate {
  private readonly staticToken?: Buffer;

  constructor(config: AppConfig) {
    this.staticToken = config.metricsToken ? digest(config.metricsToken) : undefined;
  }

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const token = bearerToken(request.headers.authorization);
    // Compared as digests, in constant time: the length of the secret leaks nothing either.
    if (token && this.staticToken && timingSafeEqual(digest(token), this.staticToken)) return true;
    // The AuthGuard has verified a token, if a valid one was sent.
    const principal = request.principal;
    if (!principal) throw new AppError('UNAUTHENTICATED', 'A valid bearer token is required.');
    if (principal.role !== 'system') {
      throw new AppError('FORBIDDEN', `The ${principal.role} role may not do this.`);
    }
    return true;
  }
}
