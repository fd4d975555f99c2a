import type { FastifyInstance } from 'fastify';
import { defaultBuildDir, serveSinglePageApp } from '../common/single-page-app';

export const CONSOLE_PATH = '/console';

/**
 * The console needs no inline script or style (unlike the Swagger UI, which the global policy
 * serves); it previews evidence from blob: URLs it creates itself (images, and PDFs in a frame).
 */
export const CONSOLE_CSP = [
  "default-src 'self'",
  "base-uri 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' blob: data:",
  "frame-src 'self' blob:",
  "object-src 'none'",
  "connect-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'self'",
].join('; ');

/** dist/console of this checkout, from the source (ts-jest) or the compiled (dist/) module. */
export function defaultConsoleDir(from = __dirname): string {
  return defaultBuildDir('console', from);
}

/**
 * Serves the agent console's production build at /console (see serveSinglePageApp). Without a
 * build (`npm run build` makes it), /console answers a problem+json 404 saying so.
 */
export async function consolePlugin(
  fastify: FastifyInstance,
  options: { dir?: string },
): Promise<void> {
  await serveSinglePageApp(fastify, {
    prefix: CONSOLE_PATH,
    dir: options.dir ?? defaultConsoleDir(),
    csp: CONSOLE_CSP,
    notBuilt: 'The agent console is not built: run `npm run build` (npm start does it).',
  });
}
