import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import helmet from '@fastify/helmet';
import Fastify, { FastifyInstance } from 'fastify';
import { CONSOLE_CSP, consolePlugin } from '../apps/api/src/console/console.plugin';
import { startTestApp, TestApp } from './support/app';

const INDEX =
  '<!doctype html><title>console</title><script type="module" src="/console/assets/app-1a2b.js"></script>';

/** The plugin as create-app.ts registers it: after helmet, on a build folder of our own. */
async function serve(dir: string): Promise<FastifyInstance> {
  const fastify = Fastify();
  await fastify.register(helmet);
  await fastify.register(consolePlugin, { dir });
  return fastify;
}

describe('the console at /console', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'refund-desk-console-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  describe('with a build', () => {
    let fastify: FastifyInstance;
    beforeAll(async () => {
      const build = path.join(dir, 'built');
      await mkdir(path.join(build, 'assets'), { recursive: true });
      await writeFile(path.join(build, 'index.html'), INDEX);
      await writeFile(path.join(build, 'assets', 'app-1a2b.js'), 'console.log("hi");');
      fastify = await serve(build);
    });
    afterAll(() => fastify.close());

    it.each(['/console', '/console/', '/console/cases/42', '/console/find?q=TX-1'])(
      'answers index.html for the client route %s, uncached, under the console policy',
      async (url) => {
        const res = await fastify.inject({ url });
        expect(res.statusCode).toBe(200);
        expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
        expect(res.headers['cache-control']).toBe('no-cache');
        expect(res.headers['content-security-policy']).toBe(CONSOLE_CSP);
        expect(res.body).toBe(INDEX);
      },
    );

    it('serves hashed assets for a year, and 404 for a missing one', async () => {
      const asset = await fastify.inject({ url: '/console/assets/app-1a2b.js' });
      expect(asset.statusCode).toBe(200);
      expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      expect(asset.body).toBe('console.log("hi");');
      expect((await fastify.inject({ url: '/console/assets/gone.js' })).statusCode).toBe(404);
    });

    it('allows no inline script and no eval, and previews only from its own blob: URLs', () => {
      expect(CONSOLE_CSP).toContain("script-src 'self';");
      expect(CONSOLE_CSP).toContain("img-src 'self' blob: data:");
      expect(CONSOLE_CSP).toContain("frame-src 'self' blob:");
      expect(CONSOLE_CSP).toContain("object-src 'none'");
    });
  });

  it('answers a problem+json 404 saying how to build it when there is no build', async () => {
    const fastify = await serve(path.join(dir, 'never-built'));
    try {
      const res = await fastify.inject({ url: '/console/cases/42' });
      expect(res.statusCode).toBe(404);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.json()).toMatchObject({ status: 404, code: 'NOT_FOUND' });
      expect(res.json().detail).toMatch(/npm run build/);
    } finally {
      await fastify.close();
    }
  });

  describe('in the service', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp();
    });
    afterAll(() => t.close());

    it('is outside the OpenAPI document, and /docs keeps its own policy', async () => {
      const doc = (await t.http.get('/docs-json')).body;
      expect(Object.keys(doc.paths).filter((p) => p.startsWith('/console'))).toEqual([]);
      const docs = await t.http.get('/docs');
      expect(docs.status).toBe(200);
      expect(docs.headers['content-security-policy']).not.toBe(CONSOLE_CSP);
    });

    it('needs no token (the console signs in itself) and sends the console policy', async () => {
      const res = await t.http.get('/console/');
      // 200 after `npm run build`, the problem above without one: never 401, never a crash.
      expect([200, 404]).toContain(res.status);
      expect(res.headers['content-security-policy']).toBe(CONSOLE_CSP);
    });
  });
});
