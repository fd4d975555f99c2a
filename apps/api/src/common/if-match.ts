import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { AppError } from '../errors/app-error';

/**
 * The version a client expects, from `If-Match: "<version>"` (weak `W/` and bare numbers are
 * accepted too); undefined without the header. A malformed header is a 400.
 */
export const IfMatch = createParamDecorator(
  (_data: unknown, context: ExecutionContext): number | undefined => {
    const header = context.switchToHttp().getRequest<FastifyRequest>().headers['if-match'];
    if (header === undefined) return undefined;
    const match = /^\s*(?:W\/)?"?(\d{1,9})"?\s*$/.exec(header);
    if (!match) {
      throw new AppError('VALIDATION_FAILED', 'If-Match must be a refund version, e.g. "3".', [
        { field: 'If-Match', message: 'must be a quoted version number' },
      ]);
    }
    return Number(match[1]);
  },
);

export const etag = (version: number): string => `"${version}"`;
