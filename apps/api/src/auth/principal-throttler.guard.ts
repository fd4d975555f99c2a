import { ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import {
  InjectThrottlerOptions,
  InjectThrottlerStorage,
  ThrottlerGuard,
  type ThrottlerModuleOptions,
  type ThrottlerStorage,
} from '@nestjs/throttler';
import type { FastifyRequest } from 'fastify';
import { bearerToken, TokenService } from './token.service';

/**
 * Rate limits per principal (`role:id`), or per client address when no valid token was given,
 * across all routes together. It runs before authentication, so that a caller sending bad
 * tokens is limited too (by address), not answered 401 without end.
 */
@Injectable()
export class PrincipalThrottlerGuard extends ThrottlerGuard {
  constructor(
    @InjectThrottlerOptions() options: ThrottlerModuleOptions,
    @InjectThrottlerStorage() storage: ThrottlerStorage,
    reflector: Reflector,
    private readonly tokens: TokenService,
  ) {
    super(options, storage, reflector);
  }

  protected override async getTracker(request: Record<string, unknown>): Promise<string> {
    const { headers, ip } = request as unknown as FastifyRequest;
    const token = bearerToken(headers.authorization);
    const principal = token ? await this.tokens.verify(token) : undefined;
    return principal ? `${principal.role}:${principal.id}` : `ip:${ip}`;
  }

  /** One allowance per caller, whichever routes it calls (the default counts each route apart). */
  protected override generateKey(_context: ExecutionContext, tracker: string, name: string) {
    return `${name}:${tracker}`;
  }
}
