import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { AppError } from '../errors/app-error';
import { IS_PUBLIC, ROLES_KEY } from './auth.decorators';
import { Role } from '../common/principal';
import { UNAUTHENTICATED_DETAILS } from '../errors/unauthenticated';
import { bearerToken, TokenService } from './token.service';

/** Global guard: 401 without a valid bearer token, then 403 for a role the route does not allow. */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: TokenService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const token = bearerToken(request.headers.authorization);
    // Public routes still learn who calls when a valid token is sent (rate limits per principal).
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) {
      request.principal = token ? await this.tokens.verify(token) : undefined;
      return true;
    }
    const checked = token ? await this.tokens.check(token) : { refused: 'missing' as const };
    if ('refused' in checked) {
      throw new AppError('UNAUTHENTICATED', UNAUTHENTICATED_DETAILS[checked.refused]);
    }
    const principal = checked.principal;
    request.principal = principal;
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets);
    if (roles && !roles.includes(principal.role)) {
      throw new AppError('FORBIDDEN', `The ${principal.role} role may not do this.`);
    }
    return true;
  }
}
