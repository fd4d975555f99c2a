import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { ENDPOINT_ACTIONS } from '../apps/api/src/refunds/refund-transitions';
import { startTestApp, TestApp } from './support/app';

const ROOT = path.resolve(__dirname, '..');
const REDOCLY = path.join(ROOT, 'node_modules/@redocly/cli/bin/cli.js');

describe('the OpenAPI document', () => {
  let t: TestApp;
  let doc: any;
  let dir: string;
  let documentFile: string;
  beforeAll(async () => {
    t = await startTestApp();
    doc = (await t.http.get('/docs-json')).body;
    dir = await mkdtemp(path.join(os.tmpdir(), 'refund-desk-openapi-'));
    documentFile = path.join(dir, 'openapi.json');
    await writeFile(documentFile, JSON.stringify(doc));
  });
  afterAll(async () => {
    await t.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('is served with the UI', async () => {
    expect(doc.openapi).toMatch(/^3\./);
    expect((await t.http.get('/docs')).status).toBe(200);
  });

  it('has one endpoint per action of the transition table, described from the table', () => {
    for (const action of ENDPOINT_ACTIONS) {
      const operation = doc.paths[`/v1/refunds/{id}/${action}`]?.post;
      expect([action, typeof operation?.description]).toEqual([action, 'string']);
      expect(operation.description).toMatch(/Roles: /);
    }
  });

  it('documents problem+json errors on every operation, 401 wherever a token is needed', () => {
    for (const [path, operations] of Object.entries<any>(doc.paths)) {
      for (const [method, operation] of Object.entries<any>(operations)) {
        const errors = Object.keys(operation.responses).filter((status) => Number(status) >= 400);
        expect([path, method, errors.length > 0]).toEqual([path, method, true]);
        for (const status of errors) {
          expect(operation.responses[status].content['application/problem+json']).toBeDefined();
        }
        if (operation.security?.length) expect(operation.responses['401']).toBeDefined();
      }
    }
  });

  it('asks for a token exactly where the service does', async () => {
    for (const [route, operations] of Object.entries<any>(doc.paths)) {
      for (const [method, operation] of Object.entries<any>(operations)) {
        const url = route.replace(/\{[^}]+\}/g, randomUUID());
        const res = await t.http[method as 'get'](url);
        const needsToken = (operation.security ?? doc.security ?? []).length > 0;
        expect([method, route, res.status === 401]).toEqual([method, route, needsToken]);
      }
    }
  });

  it("passes Redocly's recommended rules without an error or a warning", async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [REDOCLY, 'lint', documentFile, '--config', path.join(ROOT, 'redocly.yaml'), '--format=json'],
      { cwd: ROOT, env: { ...process.env, REDOCLY_SUPPRESS_NOTIFICATIONS: 'true' } },
    ).catch((error: { stdout: string }) => error);
    const { totals, problems } = JSON.parse(stdout);
    const found = problems.map(
      (p: any) => `${p.severity} ${p.ruleId} ${p.location[0]?.pointer}: ${p.message}`,
    );
    expect(found).toEqual([]);
    expect(totals).toMatchObject({ errors: 0, warnings: 0 });
  });
});
