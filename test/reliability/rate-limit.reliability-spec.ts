import type { Response } from 'supertest';
import { startTestApp, TestApp } from '../support/app';
import { problemFault } from './support/routes';

const LIMIT = 5;

/** The answer the brief asks of a principal over the limit. */
function expectLimited(res: Response): void {
  const { method, url } = res.request as unknown as { method: string; url: string };
  expect([method, url, res.status, res.body.code, problemFault(res)]).toEqual([
    method,
    url,
    429,
    'RATE_LIMITED',
    undefined,
  ]);
  const retryAfter = res.headers['retry-after'];
  expect(retryAfter).toMatch(/^[1-9][0-9]*$/);
  expect(Number(retryAfter)).toBeLessThanOrEqual(60);
}

describe('rate limiting (RATE_LIMIT_PER_MINUTE)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ RATE_LIMIT_PER_MINUTE: String(LIMIT) });
  });
  afterAll(() => t.close());

  it('answers 429 problem+json with Retry-After to a principal over the limit, others unaffected', async () => {
    const greedy = await t.bearer('customer', 'greedy');
    for (let i = 0; i < LIMIT; i++) {
      expect((await t.http.get('/v1/me').set('Authorization', greedy)).status).toBe(200);
    }
    // Every route counts, reads and writes alike.
    expectLimited(await t.http.get('/v1/me').set('Authorization', greedy));
    expectLimited(await t.http.get('/v1/refunds').set('Authorization', greedy));
    expectLimited(
      await t.http.post('/v1/refunds').set('Authorization', greedy).send({ transactionId: 'TX-1' }),
    );
    // The same id under another role is another principal, and so are other callers.
    for (const [role, id] of [
      ['customer', 'patient'],
      ['merchant', 'greedy'],
      ['agent', 'agt-1'],
    ] as const) {
      const res = await t.http.get('/v1/me').set('Authorization', await t.bearer(role, id));
      expect([role, id, res.status]).toEqual([role, id, 200]);
    }
    // A fresh token of the same principal does not start a new allowance.
    expectLimited(
      await t.http.get('/v1/me').set('Authorization', await t.bearer('customer', 'greedy')),
    );
  });

  it('limits callers without a token per address; other addresses are unaffected', async () => {
    const from = (address: string) => t.http.get('/v1/status').set('X-Forwarded-For', address);
    for (let i = 0; i < LIMIT; i++) expect((await from('127.0.0.10')).status).toBe(200);
    expectLimited(await from('127.0.0.10'));
    expect((await from('127.0.0.11')).status).toBe(200);
    // A caller with a token is counted as its principal, not as the address.
    const res = await t.http
      .get('/v1/status')
      .set('X-Forwarded-For', '127.0.0.10')
      .set('Authorization', await t.bearer('customer', 'cus-7'));
    expect(res.status).toBe(200);
  });

  it('limits an address that keeps sending bad tokens', async () => {
    const guess = (address: string) =>
      t.http
        .get('/v1/refunds')
        .set('X-Forwarded-For', address)
        .set('Authorization', 'Bearer guessed.token.value');
    for (let i = 0; i < LIMIT; i++) expect((await guess('127.0.0.20')).status).toBe(401);
    expectLimited(await guess('127.0.0.20'));
    expect((await guess('127.0.0.21')).status).toBe(401);
  });
});
