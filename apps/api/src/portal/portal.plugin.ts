import type { FastifyInstance } from 'fastify';
import { defaultBuildDir, serveSinglePageApp } from '../common/single-page-app';

export const PORTAL_PATH = '/portal';

/**
 * The customer's page (apps/portal): no inline script or style, no frames; photos are shrunk
 * and previewed from blob: URLs it makes itself. A wallet app may show it in a web view of its
 * own, but no other site may frame it.
 */
export const PORTAL_CSP = [
  "default-src 'self'",
  "base-uri 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' blob: data:",
  "frame-src 'none'",
  "object-src 'none'",
  "connect-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'self'",
].join('; ');

/**
 * Serves the customer's page at /portal from dist/portal (see serveSinglePageApp); without a
 * build it answers a problem+json 404 saying how to make one.
 */
export async function portalPlugin(
  fastify: FastifyInstance,
  options: { dir?: string },
): Promise<void> {
  await serveSinglePageApp(fastify, {
    prefix: PORTAL_PATH,
    dir: options.dir ?? defaultBuildDir('portal'),
    csp: PORTAL_CSP,
    notBuilt: 'The customer portal is not built: run `npm run build` (npm start does it).',
  });
}
