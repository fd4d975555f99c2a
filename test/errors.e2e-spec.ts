import { ProbeModule } from './support/probe.module';
import { startTestApp, TestApp } from './support/app';

describe('errors are problem+json', () => {
  let t: TestApp;
  let auth: string;
  beforeAll(async () => {
    t = await startTestApp({}, { features: [ProbeModule] });
    auth = await t.bearer('customer', 'cus-1');
  });
  afterAll(() => t.close());

  const expectProblem = (
    res: { status: number; headers: Record<string, string>; body: Record<string, unknown> },
    status: number,
    code: string,
  ) => {
    expect(res.status).toBe(status);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({
      status,
      code,
      type: expect.any(String),
      title: expect.any(String),
    });
    expect(res.body.requestId).toBe(res.headers['x-request-id']);
    expect(JSON.stringify(res.body)).not.toMatch(/at .*\.(ts|js):\d+|SELECT|prisma/i);
  };

  it('accepts a valid body', async () => {
    const res = await t.http
      .post('/test-probe')
      .set('Authorization', auth)
      .send({ name: 'a', count: 2 });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ name: 'a', count: 2 });
  });

  it('answers malformed JSON with 400', async () => {
    const res = await t.http
      .post('/test-probe')
      .set('Authorization', auth)
      .set('Content-Type', 'application/json')
      .send('{"name": "a",');
    expectProblem(res, 400, 'MALFORMED_REQUEST');
  });

  it('lists every invalid and unknown field', async () => {
    const res = await t.http
      .post('/test-probe')
      .set('Authorization', auth)
      .send({ name: 7, count: 99, extra: true });
    expectProblem(res, 400, 'VALIDATION_FAILED');
    const fields = (res.body.errors as { field: string }[]).map((e) => e.field).sort();
    expect(fields).toEqual(expect.arrayContaining(['count', 'extra', 'name']));
  });

  it('answers an unknown route with 404', async () => {
    const res = await t.http.get('/v1/nothing-here').set('Authorization', auth);
    expectProblem(res, 404, 'NOT_FOUND');
  });

  it('answers a wrong content type with 415', async () => {
    const res = await t.http
      .post('/test-probe')
      .set('Authorization', auth)
      .set('Content-Type', 'application/xml')
      .send('<probe/>');
    expectProblem(res, 415, 'UNSUPPORTED_MEDIA_TYPE');
  });

  it('answers an oversized body with 413', async () => {
    const res = await t.http
      .post('/test-probe')
      .set('Authorization', auth)
      .send({ name: 'x'.repeat(2 * 1024 * 1024), count: 1 });
    expectProblem(res, 413, 'PAYLOAD_TOO_LARGE');
  });

  it('echoes a caller-supplied request id and makes one up otherwise', async () => {
    const given = await t.http.get('/health/live').set('X-Request-Id', 'trace-abc-123');
    expect(given.headers['x-request-id']).toBe('trace-abc-123');
    const made = await t.http.get('/health/live');
    expect(made.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('sets security headers', async () => {
    const res = await t.http.get('/health/live');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toMatch(/^default-src 'self';/);
  });
});

describe('rate limiting', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ RATE_LIMIT_PER_MINUTE: '3' });
  });
  afterAll(() => t.close());

  it('answers 429 problem+json past the per-principal limit, counting each principal apart', async () => {
    const alice = await t.bearer('customer', 'alice');
    const bob = await t.bearer('customer', 'bob');
    const statuses = [];
    for (let i = 0; i < 4; i++) {
      statuses.push((await t.http.get('/v1/me').set('Authorization', alice)).status);
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
    const limited = await t.http.get('/v1/me').set('Authorization', alice);
    expect(limited.body.code).toBe('RATE_LIMITED');
    expect(limited.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect((await t.http.get('/v1/me').set('Authorization', bob)).status).toBe(200);
  });
});

describe('content types and authentication', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({}, { features: [ProbeModule] });
  });
  afterAll(() => t.close());

  it('answers 401 before 415: an unreadable body without a token is still unauthenticated', async () => {
    const res = await t.http.post('/test-probe').set('Content-Type', 'image/png').send('xxxx');
    expect([res.status, res.body.code]).toEqual([401, 'UNAUTHENTICATED']);
  });

  it('answers 415 to a plain-text body on a JSON route', async () => {
    const res = await t.http
      .post('/test-probe')
      .set('Authorization', await t.bearer('customer', 'cus-1'))
      .set('Content-Type', 'text/plain')
      .send('name=a');
    expect([res.status, res.body.code]).toEqual([415, 'UNSUPPORTED_MEDIA_TYPE']);
  });
});
