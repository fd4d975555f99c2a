import 'fastify';
import type { AppError } from '../errors/app-error';
import type { Principal } from '../common/principal';

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
    /** What is wrong with the body, answered by BodyGuard after authentication. */
    bodyError?: AppError;
  }
}
