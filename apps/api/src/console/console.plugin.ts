import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../errors/app-error';
import { sendProblem } from '../errors/problem.filter';

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
  let dir = from;
  while (!existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) return path.resolve('dist', 'console');
    dir = parent;
  }
  return path.join(dir, 'dist', 'console');
}

/**
 * Serves the agent console's production build at /console: hashed assets from disk, and
 * index.html for every other path below /console (the console's own routes). Without a build
 * (`npm run build` makes it), /console answers a problem+json 404 saying so.
 */
export async function consolePlugin(
  fastify: FastifyInstance,
  options: { dir?: string },
): Promise<void> {
  const dir = options.dir ?? defaultConsoleDir();
  const indexFile = path.join(dir, 'index.html');
  const index = existsSync(indexFile) ? readFileSync(indexFile) : undefined;

  fastify.addHook('onSend', async (_request, reply, payload) => {
    void reply.header('Content-Security-Policy', CONSOLE_CSP);
    return payload;
  });

  const page = (request: FastifyRequest, reply: FastifyReply): void => {
    if (!index) {
      const missing = new AppError(
        'NOT_FOUND',
        'The agent console is not built: run `npm run build` (npm start does it).',
      );
      return sendProblem(missing, request, reply);
    }
    void reply.type('text/html; charset=utf-8').header('Cache-Control', 'no-cache').send(index);
  };
  fastify.get(CONSOLE_PATH, page);
  fastify.get(`${CONSOLE_PATH}/*`, page);

  if (index) {
    await fastify.register(fastifyStatic, {
      root: path.join(dir, 'assets'),
      prefix: `${CONSOLE_PATH}/assets/`,
      // File names carry a content hash.
      maxAge: '365d',
      immutable: true,
      index: false,
    });
  }
}
