import 'fastify';
import type { Principal } from './principal';

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
}
