import 'fastify';
import type { Principal } from './principal';

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
    /** The body's content type is one no route reads (see ContentTypeGuard). */
    unsupportedMediaType?: boolean;
  }
}
