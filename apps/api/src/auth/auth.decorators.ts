import {
  applyDecorators,
  createParamDecorator,
  ExecutionContext,
  SetMetadata,
} from '@nestjs/common';
import { ApiForbiddenResponse } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { Principal, Role, ROLES } from '../common/principal';

export const IS_PUBLIC = 'auth:public';
export const ROLES_KEY = 'auth:roles';

/** The route needs no token. */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(IS_PUBLIC, true);

/**
 * Only these roles may call the route; any other role gets 403, whoever owns the data. The
 * OpenAPI document lists that 403 wherever some role is left out.
 */
export const Roles = (...roles: Role[]): MethodDecorator & ClassDecorator =>
  ROLES.every((role) => roles.includes(role))
    ? SetMetadata(ROLES_KEY, roles)
    : applyDecorators(
        SetMetadata(ROLES_KEY, roles),
        ApiForbiddenResponse({ description: `FORBIDDEN: only ${roles.join(', ')} may do this` }),
      );

/** The verified caller, set by the AuthGuard. */
export const CurrentPrincipal = createParamDecorator(
  (_data: unknown, context: ExecutionContext): Principal =>
    context.switchToHttp().getRequest<FastifyRequest>().principal as Principal,
);
