import { Injectable } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';
import type { FastifyRequest } from 'fastify';

/** Rate limits per principal (`role:id`), or per client address when no token was given. */
@Injectable()
export class PrincipalThrottlerGuard extends ThrottlerGuard {
  protected override getTracker(request: Record<string, unknown>): Promise<string> {
    const { principal, ip } = request as unknown as FastifyRequest;
    return Promise.resolve(principal ? `${principal.role}:${principal.id}` : `ip:${ip}`);
  }
}
