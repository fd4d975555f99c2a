import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { SignJWT } from 'jose';
import request from 'supertest';
import { signToken } from '../../apps/api/src/auth/token.service';
import { createTestDatabase, TestDatabase } from '../support/database';
import { ServiceProcess, startService } from '../support/service-process';
import { PNG } from '../support/fixtures';

const marker = (name: string) => `${name}-${randomBytes(8).toString('hex')}`;
const JWT_SECRET = marker('jwt-secret-never-logged-0123456789');
const DB_PASSWORD = marker('db-password');
const ATTACHMENT = marker('attachment-content');

/**
 * The service as its own process, with production's logger at its most verbose level, doing
 * what production does; then its whole output is searched for anything secret.
 */
describe('logs', () => {
  let db: TestDatabase;
  let service: ServiceProcess;
  let dbPassword: string;
  let api: string;
  beforeAll(async () => {
    db = await createTestDatabase();
    // The database password is looked for in the logs: the server's own (the embedded one has
    // one), or, where the server trusts loopback and never asks, a marker sent as one.
    const url = new URL(db.url);
    dbPassword = decodeURIComponent(url.password) || DB_PASSWORD;
    url.password = encodeURIComponent(dbPassword);
    service = await startService(url.toString(), {
      AUTH_JWT_SECRET: JWT_SECRET,
      LOG_LEVEL: 'trace',
      WEBHOOK_ALLOW_PRIVATE_URLS: 'true',
      WEBHOOK_RETRY_BASE_SECONDS: '0.1',
      RATE_LIMIT_PER_MINUTE: '1000',
    });
    api = service.url;
  });
  afterAll(async () => {
    await service?.kill();
    await db.drop();
  });

  it('never contain a token, a secret, a password or file contents', async () => {
    const key = new TextEncoder().encode(JWT_SECRET);
    const tokens = {
      system: await signToken(key, { role: 'system', id: 'ledger' }, '1h'),
      customer: await signToken(key, { role: 'customer', id: 'cus-1' }, '1h'),
      merchant: await signToken(key, { role: 'merchant', id: 'mer-1' }, '1h'),
      expired: await signToken(key, { role: 'agent', id: 'agt-1' }, '-1h'),
      forged: await new SignJWT({ role: 'agent' })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject('agt-1')
        .setExpirationTime('1h')
        .sign(new TextEncoder().encode('another-secret-another-secret-000000')),
    };
    const http = request(api);
    const as = (who: keyof typeof tokens) => `Bearer ${tokens[who]}`;

    // A webhook endpoint (its secret is answered once), receiving at a closed loopback port.
    const endpoint = await http
      .post('/v1/webhook-endpoints')
      .set('Authorization', as('merchant'))
      .send({ url: 'http://127.0.0.1:9/hook', events: ['refund.apply', 'refund.submit'] });
    expect(endpoint.status).toBe(201);
    const webhookSecret = endpoint.body.secret as string;
    expect(webhookSecret).toMatch(/^whsec_/);

    expect(
      (
        await http.post('/v1/transactions').set('Authorization', as('system')).send({
          id: 'TX-LOG-1',
          customerId: 'cus-1',
          merchantId: 'mer-1',
          amount: 1_000_000,
          currency: 'IDR',
          paidAt: '2026-11-20T03:00:00.000Z',
        })
      ).status,
    ).toBe(201);
    const refund = await http
      .post('/v1/refunds')
      .set('Authorization', as('customer'))
      .set('Idempotency-Key', 'apply-TX-LOG-1')
      .send({ transactionId: 'TX-LOG-1', amount: 1000, reasonCode: 'NOT_AS_DESCRIBED' });
    expect(refund.status).toBe(201);
    const id = refund.body.id as string;
    // Evidence with a recognisable content, as text and inside a photo.
    for (const [file, name] of [
      [Buffer.from(`chat log ${ATTACHMENT}\n`), 'chat.txt'],
      [Buffer.concat([PNG, Buffer.from(ATTACHMENT)]), 'photo.png'],
    ] as const) {
      const upload = await http
        .post(`/v1/refunds/${id}/attachments`)
        .set('Authorization', as('customer'))
        .field('kind', 'OTHER')
        .attach('file', file, { filename: name });
      expect(upload.status).toBe(201);
      const download = await http
        .get(`/v1/refunds/${id}/attachments/${upload.body.id}`)
        .set('Authorization', as('merchant'));
      expect(download.status).toBe(200);
    }
    expect(
      (await http.post(`/v1/refunds/${id}/submit`).set('Authorization', as('customer'))).status,
    ).toBe(200);
    // Refusals of every kind, with tokens good and bad, in the places they could be echoed.
    const refusals = [
      http.get('/v1/refunds').set('Authorization', as('expired')),
      http.get('/v1/refunds').set('Authorization', as('forged')),
      http.get('/v1/refunds').set('Authorization', `Basic ${tokens.customer}`),
      http.get('/v1/refunds').set('Authorization', tokens.customer),
      http.post('/v1/notices').set('Authorization', as('customer')).send({}),
      http.post(`/v1/refunds/${id}/approve`).set('Authorization', as('customer')).send({}),
      http
        .post(`/v1/refunds/${id}/cancel`)
        .set('Authorization', as('customer'))
        .set('Content-Type', 'application/json')
        .send(`{"token":"${tokens.customer}"`),
      http
        .patch(`/v1/refunds/${id}`)
        .set('Authorization', as('customer'))
        .send({ description: webhookSecret }),
      http.get('/v1/refunds/%FF').set('Authorization', as('customer')),
      http.get(`/v1/refunds/${'x'.repeat(20_000)}`).set('Authorization', as('customer')),
    ];
    for (const refused of refusals) expect((await refused).status).toBeGreaterThanOrEqual(400);
    // Let the worker try the webhooks (and fail: nobody listens at port 9), logging as it goes.
    const deadline = Date.now() + 15_000;
    while (!service.output().includes('webhook delivery failed') && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    await service.stop();
    const output = service.output();

    const lines = output.split('\n').filter(Boolean);
    console.log(`logs: ${lines.length} lines, ${output.length} characters at LOG_LEVEL=trace`);
    // The logs were written, and verbosely: the search below looks at something real.
    expect(lines.length).toBeGreaterThan(50);
    expect(output).toContain(id);
    expect(output).toContain('webhook delivery failed');
    const secrets: Record<string, string> = {
      AUTH_JWT_SECRET: JWT_SECRET,
      'database password': dbPassword,
      'attachment content': ATTACHMENT,
      'webhook secret': webhookSecret,
      'webhook secret (base64url part)': webhookSecret.slice('whsec_'.length),
    };
    for (const [who, token] of Object.entries(tokens)) {
      secrets[`${who} token`] = token;
      secrets[`${who} token signature`] = token.split('.')[2];
    }
    // LOGS_DUMP=<file> keeps the output to look at.
    if (process.env.LOGS_DUMP) writeFileSync(process.env.LOGS_DUMP, output);
    const leaks = Object.entries(secrets)
      .filter(([, secret]) => output.includes(secret))
      .map(([name]) => name);
    expect(leaks).toEqual([]);
  });
});
