import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Response } from 'supertest';
import { startTestApp, TestApp } from '../support/app';
import { problemFault } from './support/routes';

const LIMIT = 5;

/** The answer to a principal over the limit: 429 problem+json with Retry-After. */
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

interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: any;
}

function expectLimitedRaw(res: RawAnswer): void {
  expect([res.status, res.body.code, problemFault(res)]).toEqual([429, 'RATE_LIMITED', undefined]);
  expect(res.headers['retry-after']).toMatch(/^[1-9][0-9]*$/);
}

describe('rate limiting (RATE_LIMIT_PER_MINUTE)', () => {
  let t: TestApp;
  let port: number;
  beforeAll(async () => {
    t = await startTestApp({ RATE_LIMIT_PER_MINUTE: String(LIMIT) });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    port = (t.app.getHttpServer().address() as AddressInfo).port;
  });
  afterAll(() => t.close());

  /** A GET sent from a given loopback address to the service on 127.0.0.1. */
  const from = (address: string, path: string, token?: string, forwardedFor?: string) =>
    new Promise<RawAnswer>((resolve, reject) => {
      const req = httpRequest(
        {
          host: '127.0.0.1',
          port,
          path,
          localAddress: address,
          headers: {
            ...(token ? { Authorization: `Bearer ${token}` } : {}),
            ...(forwardedFor ? { 'X-Forwarded-For': forwardedFor } : {}),
          },
        },
        (res) => {
          let text = '';
          res.on('data', (chunk) => (text += chunk));
          res.on('end', () =>
            resolve({
              status: res.statusCode!,
              headers: res.headers as Record<string, string>,
              body: text ? JSON.parse(text) : undefined,
            }),
          );
        },
      );
      req.on('error', reject);
      req.end();
    });

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
    // Real loopback addresses of their own (Linux answers on all of 127.0.0.0/8).
    for (let i = 0; i < LIMIT; i++)
      expect((await from('127.0.0.10', '/v1/status')).status).toBe(200);
    expectLimitedRaw(await from('127.0.0.10', '/v1/status'));
    expect((await from('127.0.0.11', '/v1/status')).status).toBe(200);
    // A caller with a token is counted as its principal, not as the address.
    const token = (await t.bearer('customer', 'cus-7')).slice('Bearer '.length);
    expect((await from('127.0.0.10', '/v1/status', token)).status).toBe(200);
  });

  it('limits an address that keeps sending bad tokens', async () => {
    const guess = (address: string) => from(address, '/v1/refunds', 'guessed.token.value');
    for (let i = 0; i < LIMIT; i++) expect((await guess('127.0.0.20')).status).toBe(401);
    expectLimitedRaw(await guess('127.0.0.20'));
    expect((await guess('127.0.0.21')).status).toBe(401);
  });

  it('does not let a caller pick its address with X-Forwarded-For (TRUST_PROXY unset)', async () => {
    const spoof = (i: number) => from('127.0.0.30', '/v1/status', undefined, `203.0.113.${i}`);
    for (let i = 0; i < LIMIT; i++) expect((await spoof(i)).status).toBe(200);
    expectLimitedRaw(await spoof(LIMIT));
  });
});
