import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../errors/app-error';
import { sendProblem } from '../errors/problem.filter';

/** A browser app built by Vite into `dir` (index.html and hashed assets/), served at `prefix`. */
export interface SinglePageApp {
  /** '/console', '/portal'. */
  prefix: string;
  dir: string;
  /** Its Content-Security-Policy, on every answer below `prefix` (and only there). */
  csp: string;
  /** The 404 detail when there is no build. */
  notBuilt: string;
}

/** dist/<name> of this checkout, from the source (ts-jest) or the compiled (dist/) module. */
export function defaultBuildDir(name: string, from = __dirname): string {
  let dir = from;
  while (!existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) return path.resolve('dist', name);
    dir = parent;
  }
  return path.join(dir, 'dist', name);
}

/**
 * Serves a production build: hashed assets from disk, and index.html for every other path below
 * the prefix (the app's own routes). Without a build, the prefix answers a problem+json 404
 * saying how to make one. Register it as a plugin of its own: the policy stays inside.
 */
export async function serveSinglePageApp(
  fastify: FastifyInstance,
  app: SinglePageApp,
): Promise<void> {
  const indexFile = path.join(app.dir, 'index.html');
  const index = existsSync(indexFile) ? readFileSync(indexFile) : undefined;

  fastify.addHook('onSend', async (_request, reply, payload) => {
    void reply.header('Content-Security-Policy', app.csp);
    return payload;
  });

  const page = (request: FastifyRequest, reply: FastifyReply): void => {
    if (!index) return sendProblem(new AppError('NOT_FOUND', app.notBuilt), request, reply);
    void reply.type('text/html; charset=utf-8').header('Cache-Control', 'no-cache').send(index);
  };
  fastify.get(app.prefix, page);
  fastify.get(`${app.prefix}/*`, page);

  if (index) {
    await fastify.register(fastifyStatic, {
      root: path.join(app.dir, 'assets'),
      prefix: `${app.prefix}/assets/`,
      // File names carry a content hash.
      maxAge: '365d',
      immutable: true,
      index: false,
    });
  }
}
