import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { CONSOLE_CSP } from '../apps/api/src/console/console.plugin';
import { PORTAL_CSP } from '../apps/api/src/portal/portal.plugin';
import { startTestApp, TestApp } from './support/app';

const INDEX =
  '<!doctype html><title>portal</title><script type="module" src="/portal/assets/app-9f8e.js"></script>';

describe('the customer portal at /portal', () => {
  let dir: string;
  let t: TestApp;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'refund-desk-portal-'));
    await mkdir(path.join(dir, 'built', 'assets'), { recursive: true });
    await writeFile(path.join(dir, 'built', 'index.html'), INDEX);
    await writeFile(path.join(dir, 'built', 'assets', 'app-9f8e.js'), 'console.log("hi");');
    t = await startTestApp({}, { portalDir: path.join(dir, 'built') });
  });
  afterAll(async () => {
    await t.close();
    await rm(dir, { recursive: true, force: true });
  });

  it.each(['/portal', '/portal/', '/portal/refunds/42', '/portal/apply/TX-1'])(
    'answers index.html for %s without a token, under its own strict policy',
    async (url) => {
      const res = await t.http.get(url);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(res.headers['cache-control']).toBe('no-cache');
      expect(res.text).toBe(INDEX);
      expect(res.headers['content-security-policy']).toBe(PORTAL_CSP);
    },
  );

  it('allows no inline script, no eval and no frames; only its own API and blob: previews', () => {
    const directives = new Map(
      PORTAL_CSP.split(';').map((part) => {
        const [name, ...sources] = part.trim().split(/\s+/);
        return [name, sources];
      }),
    );
    expect(directives.get('script-src')).toEqual(["'self'"]);
    expect(directives.get('style-src')).toEqual(["'self'"]);
    expect(directives.get('connect-src')).toEqual(["'self'"]);
    expect(directives.get('img-src')).toEqual(["'self'", 'blob:', 'data:']);
    expect(directives.get('frame-src')).toEqual(["'none'"]);
    expect(directives.get('object-src')).toEqual(["'none'"]);
  });

  it('serves hashed assets for a year; the API and the console keep their own policies', async () => {
    const asset = await t.http.get('/portal/assets/app-9f8e.js');
    expect(asset.status).toBe(200);
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(asset.headers['content-security-policy']).toBe(PORTAL_CSP);
    const api = await t.http.get('/v1/refund-reasons');
    expect(api.headers['content-security-policy']).not.toBe(PORTAL_CSP);
    const console = await t.http.get('/console/');
    expect(console.headers['content-security-policy']).not.toBe(PORTAL_CSP);
    expect([CONSOLE_CSP, undefined]).toContain(console.headers['content-security-policy']);
  });

  it('is outside the OpenAPI document', async () => {
    const doc = (await t.http.get('/docs-json')).body;
    expect(Object.keys(doc.paths).filter((p) => p.startsWith('/portal'))).toEqual([]);
  });

  it('says how to build it when there is no build, in the asked language', async () => {
    const bare = await startTestApp({}, { portalDir: path.join(dir, 'never-built') });
    try {
      const res = await bare.http.get('/portal/').set('Accept-Language', 'id');
      expect([res.status, res.body.code, res.headers['content-language']]).toEqual([
        404,
        'NOT_FOUND',
        'id',
      ]);
      const english = await bare.http.get('/portal/');
      expect(english.body.detail).toMatch(/npm run build/);
    } finally {
      await bare.close();
    }
  });
});
