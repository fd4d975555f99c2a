import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import Fastify, { FastifyInstance } from 'fastify';
import { addSecurityHeaders } from '../apps/api/src/common/security-headers';
import { CONSOLE_CSP, consolePlugin } from '../apps/api/src/console/console.plugin';
import { startTestApp, TestApp } from './support/app';

const SECRET = '{"name":"not-for-the-browser"}';
const INDEX =
  '<!doctype html><title>console</title><script type="module" src="/console/assets/app-1a2b.js"></script>';

/** The plugin as create-app.ts registers it: after helmet's headers, on a build folder of our own. */
async function serve(dir: string): Promise<FastifyInstance> {
  const fastify = Fastify();
  addSecurityHeaders(fastify);
  await fastify.register(consolePlugin, { dir });
  return fastify;
}

/** Directive name → its sources, from a Content-Security-Policy header. */
function directives(header: string | string[] | number | undefined): Map<string, string[]> {
  return new Map(
    String(header)
      .split(';')
      .map((part) => part.trim().split(/\s+/))
      .filter(([name]) => name)
      .map(([name, ...sources]) => [name, sources]),
  );
}

describe('the console at /console', () => {
  let dir: string;
  /** A console build of our own: the tests do not depend on `npm run build`. */
  let build: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'refund-desk-console-'));
    build = path.join(dir, 'built');
    await mkdir(path.join(build, 'assets'), { recursive: true });
    await writeFile(path.join(build, 'index.html'), INDEX);
    await writeFile(path.join(build, 'assets', 'app-1a2b.js'), 'console.log("hi");');
    // What a path leaving the assets folder would reach (as the checkout's package.json).
    await writeFile(path.join(dir, 'package.json'), SECRET);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  describe('with a build', () => {
    let fastify: FastifyInstance;
    beforeAll(async () => {
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

    it('allows no inline script and no eval, and previews only from its own blob: URLs', async () => {
      const served = directives(
        (await fastify.inject({ url: '/console/' })).headers['content-security-policy'],
      );
      expect(served.get('default-src')).toEqual(["'self'"]);
      expect(served.get('script-src')).toEqual(["'self'"]);
      expect(served.get('style-src')).toEqual(["'self'"]);
      expect(served.get('img-src')).toEqual(["'self'", 'blob:', 'data:']);
      expect(served.get('frame-src')).toEqual(["'self'", 'blob:']);
      expect(served.get('object-src')).toEqual(["'none'"]);
      expect(served.get('connect-src')).toEqual(["'self'"]);
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
      t = await startTestApp({}, { consoleDir: build });
    });
    afterAll(() => t.close());

    it('is outside the OpenAPI document, and /docs keeps its own policy', async () => {
      const doc = (await t.http.get('/docs-json')).body;
      expect(Object.keys(doc.paths).filter((p) => p.startsWith('/console'))).toEqual([]);
      const docs = await t.http.get('/docs');
      expect(docs.status).toBe(200);
      expect(docs.headers['content-security-policy']).not.toBe(CONSOLE_CSP);
    });

    it('serves the console without a token (it signs in itself), under the console policy', async () => {
      const res = await t.http.get('/console/');
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(res.text).toBe(INDEX);
      expect(res.headers['content-security-policy']).toBe(CONSOLE_CSP);
      const asset = await t.http.get('/console/assets/app-1a2b.js');
      expect(asset.status).toBe(200);
      expect(asset.text).toBe('console.log("hi");');
    });

    // supertest sends the path as written: no client normalises the dots away.
    it.each([
      '/console/assets/',
      '/console/assets/../../package.json',
      '/console/assets/%2e%2e/%2e%2e/package.json',
      '/console/assets/..%2f..%2fpackage.json',
      '/console/assets/%2e%2e%2f%2e%2e%2fpackage.json',
    ])('answers %s with a problem+json 4xx, never the file', async (url) => {
      const res = await t.http.get(url);
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body).toMatchObject({ status: res.status });
      expect(res.text).not.toContain(SECRET);
    });
  });
});
