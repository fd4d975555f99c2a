import { SignJWT } from 'jose';
import { ProbeModule } from './support/probe.module';
import { startTestApp, TestApp, TEST_SECRET } from './support/app';

const key = new TextEncoder().encode(TEST_SECRET);

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
