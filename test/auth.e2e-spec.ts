import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { SignJWT } from 'jose';
import { ProbeModule } from './support/probe.module';
import { startTestApp, TestApp, TEST_SECRET } from './support/app';

const key = new TextEncoder().encode(TEST_SECRET);
const now = () => Math.floor(Date.now() / 1000);
const HOUR = 3600;
const YEAR_9999 = Date.UTC(9999, 0, 1) / 1000;
/** A token with exactly these claims (any JSON, valid or not), signed with the test secret. */
const bearerOf = async (claims: Record<string, unknown>) =>
  `Bearer ${await new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).sign(key)}`;

describe('authentication and roles', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({}, { features: [ProbeModule] });
  });
  afterAll(() => t.close());

  const expect401 = async (authorization?: string) => {
    const req = t.http.get('/v1/me');
    if (authorization) void req.set('Authorization', authorization);
    const res = await req;
    expect(res.status).toBe(401);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.code).toBe('UNAUTHENTICATED');
  };

  it('returns the caller of a valid token', async () => {
    const res = await t.http
      .get('/v1/me')
      .set('Authorization', await t.bearer('customer', 'cus-1'));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ role: 'customer', id: 'cus-1' });
  });

  it('rejects a request without a token', () => expect401());

  it('rejects a token that is not a bearer JWT', () => expect401('Bearer not-a-jwt'));

  it('rejects a token signed with another secret', async () => {
    const other = new TextEncoder().encode('another-secret-another-secret-000000');
    const token = await new SignJWT({ role: 'agent' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('agt-1')
      .setExpirationTime('1h')
      .sign(other);
    await expect401(`Bearer ${token}`);
  });

  it('rejects an unsigned token (alg: none)', async () => {
    const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const exp = Math.floor(Date.now() / 1000) + 3600;
    const token = `${encode({ alg: 'none', typ: 'JWT' })}.${encode({ sub: 'agt-1', role: 'agent', exp })}.`;
    await expect401(`Bearer ${token}`);
  });

  it('rejects an expired token', async () => {
    const token = await new SignJWT({ role: 'agent' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('agt-1')
      .setExpirationTime(Math.floor(Date.now() / 1000) - 60)
      .sign(key);
    await expect401(`Bearer ${token}`);
  });

  it('rejects a token without an expiry or with an unknown role', async () => {
    const noExp = await new SignJWT({ role: 'agent' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('agt-1')
      .sign(key);
    await expect401(`Bearer ${noExp}`);
    const badRole = await new SignJWT({ role: 'admin' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('x')
      .setExpirationTime('1h')
      .sign(key);
    await expect401(`Bearer ${badRole}`);
  });

  it.each([
    ['an object', {}],
    ['a number', 12],
    ['an empty string', ''],
    ['longer than 128 characters', 'c'.repeat(129)],
  ])('rejects a token whose subject is %s', async (_, sub) => {
    await expect401(await bearerOf({ sub, role: 'customer', exp: now() + HOUR }));
  });

  it('rejects a token that lives longer than 24 hours (AUTH_MAX_TOKEN_HOURS by default)', async () => {
    const t0 = now();
    for (const lifetime of [
      { exp: YEAR_9999 },
      { iat: t0, exp: t0 + 24 * HOUR + 60 },
      // Issued an hour ago for 24.5 hours: too long, though only 23.5 hours remain.
      { iat: t0 - HOUR, exp: t0 + 23.5 * HOUR },
      // A short lifetime that starts in the future is still valid from now on.
      { iat: YEAR_9999 - HOUR, exp: YEAR_9999 },
    ]) {
      await expect401(await bearerOf({ sub: 'agt-1', role: 'agent', ...lifetime }));
    }
  });

  it('accepts a token that lives 24 hours at most', async () => {
    const t0 = now();
    for (const lifetime of [
      { exp: t0 + 24 * HOUR - 60 },
      { iat: t0, exp: t0 + 24 * HOUR },
      { iat: t0 - 23 * HOUR, exp: t0 + HOUR },
    ]) {
      const res = await t.http
        .get('/v1/me')
        .set('Authorization', await bearerOf({ sub: 'agt-1', role: 'agent', ...lifetime }));
      expect(res.status).toBe(200);
    }
  });

  it('answers 403 to a role the route does not allow, and 200 to the right one', async () => {
    const denied = await t.http
      .get('/test-probe/agents-only')
      .set('Authorization', await t.bearer('customer', 'cus-1'));
    expect(denied.status).toBe(403);
    expect(denied.body.code).toBe('FORBIDDEN');
    const allowed = await t.http
      .get('/test-probe/agents-only')
      .set('Authorization', await t.bearer('agent', 'agt-1'));
    expect(allowed.status).toBe(200);
  });

  it('checks the token before the role (401, not 403, without one)', async () => {
    const res = await t.http.get('/test-probe/agents-only');
    expect(res.status).toBe(401);
  });
});

describe('authentication with an issuer, an audience and a shorter token lifetime', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({
      AUTH_JWT_ISSUER: 'https://id.example.com',
      AUTH_JWT_AUDIENCE: 'refund-desk',
      AUTH_MAX_TOKEN_HOURS: '2',
    });
  });
  afterAll(() => t.close());

  const statusOf = async (authorization: string) => {
    const res = await t.http.get('/v1/me').set('Authorization', authorization);
    if (res.status === 401) expect(res.body.code).toBe('UNAUTHENTICATED');
    return res.status;
  };
  const good = () => ({
    sub: 'cus-1',
    role: 'customer',
    iss: 'https://id.example.com',
    aud: 'refund-desk',
    iat: now(),
    exp: now() + HOUR,
  });

  it("accepts the test helper's tokens and a token naming both", async () => {
    expect(await statusOf(await t.bearer('customer', 'cus-1'))).toBe(200);
    expect(await statusOf(await bearerOf(good()))).toBe(200);
    expect(await statusOf(await bearerOf({ ...good(), aud: ['other', 'refund-desk'] }))).toBe(200);
  });

  it.each([
    ['without an issuer', { iss: undefined }],
    ['from another issuer', { iss: 'https://evil.example.com' }],
    ['without an audience', { aud: undefined }],
    ['for another audience', { aud: 'another-service' }],
    ['living longer than AUTH_MAX_TOKEN_HOURS', { exp: now() + 2 * HOUR + 60 }],
  ])('rejects a token %s', async (_, change) => {
    expect(await statusOf(await bearerOf({ ...good(), ...change }))).toBe(401);
  });
});

describe('authentication without AUTH_JWT_SECRET (development)', () => {
  let t: TestApp;
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'refund-desk-auth-'));
    t = await startTestApp({ AUTH_JWT_SECRET: '', DATA_DIR: dataDir });
  });
  afterAll(async () => {
    await t.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  const me = (authorization: string) => t.http.get('/v1/me').set('Authorization', authorization);

  it('refuses an agent token signed with the secret once written in the source', async () => {
    const known = new TextEncoder().encode(
      'refund-desk-development-secret-do-not-use-in-production',
    );
    const token = await new SignJWT({ role: 'agent' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('agt-1')
      .setExpirationTime('1h')
      .sign(known);
    expect((await me(`Bearer ${token}`)).status).toBe(401);
  });

  it('accepts the tokens npm run token prints, signed with the secret made for this checkout', async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir };
    delete env.AUTH_JWT_SECRET;
    const { stdout } = await promisify(execFile)(
      'npm',
      ['run', '-s', 'token', '--', 'agent', 'agt-1'],
      {
        cwd: path.resolve(__dirname, '..'),
        env,
      },
    );
    const res = await me(`Bearer ${stdout.trim()}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ role: 'agent', id: 'agt-1' });
  }, 30_000);
});
