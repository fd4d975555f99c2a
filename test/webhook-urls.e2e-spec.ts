import { Client } from 'pg';
import { AppLogger } from '../apps/api/src/logging/app-logger';
import { WebhookDeliveryService } from '../apps/api/src/webhooks/webhook-delivery.service';
import { startTestApp, TestApp } from './support/app';
import { stopScheduler } from './support/cases';
import { actors, Actors, draft } from './support/refunds';
import { Receiver, startReceiver } from './support/webhook-receiver';

/**
 * With the default configuration (WEBHOOK_ALLOW_PRIVATE_URLS=false). Nothing here sends a request
 * anywhere: refused URLs never get an endpoint, the one accepted public address belongs to a
 * merchant with no refunds and is deleted at once, and the scheduler is stopped.
 */
describe('webhook URL safety', () => {
  let t: TestApp;
  let a: Actors;
  let hook: Receiver;

  beforeAll(async () => {
    t = await startTestApp();
    await stopScheduler(t.app);
    a = await actors(t);
    hook = await startReceiver();
  });
  afterAll(async () => {
    await hook.close();
    await t.close();
  });

  const create = (url: unknown, auth = a.merchant) =>
    t.http
      .post('/v1/webhook-endpoints')
      .set('Authorization', auth)
      .send({ url, events: ['refund.apply'] });

  it.each([
    ['http://93.184.216.34/hooks', /https/],
    ['https://127.0.0.1/hooks', /loopback, private or reserved/],
    ['https://10.1.2.3/hooks', /loopback, private or reserved/],
    ['https://192.168.0.10/hooks', /loopback, private or reserved/],
    ['https://172.16.5.4/hooks', /loopback, private or reserved/],
    ['https://169.254.169.254/latest/meta-data', /loopback, private or reserved/],
    ['https://100.64.0.1/hooks', /loopback, private or reserved/],
    ['https://0.0.0.0/hooks', /loopback, private or reserved/],
    ['https://[::1]/hooks', /loopback, private or reserved/],
    ['https://[fd00::1]/hooks', /loopback, private or reserved/],
    ['https://[::ffff:10.0.0.1]/hooks', /loopback, private or reserved/],
    ['https://[::7f00:1]/hooks', /loopback, private or reserved/],
    ['https://[::a9fe:a9fe]/latest/meta-data', /loopback, private or reserved/],
    ['https://[64:ff9b::a00:1]/hooks', /loopback, private or reserved/],
    ['https://2130706433/hooks', /loopback, private or reserved/],
    ['https://0x7f.1/hooks', /loopback, private or reserved/],
    ['https://localhost/hooks', /resolves to a loopback, private or reserved address/],
    ['https://user:secret@93.184.216.34/hooks', /credentials/],
    ['https://93.184.216.34/hooks#part', /fragment/],
    ['not a url', /absolute URL/],
    ['ftp://93.184.216.34/hooks', /https/],
  ])('refuses %s', async (url, message) => {
    const res = await create(url);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({
      code: 'VALIDATION_FAILED',
      errors: [{ field: 'url', message: expect.stringMatching(message) }],
    });
  });

  it('does not tell the caller which address a refused name resolves to (internal DNS stays internal)', async () => {
    const warn = jest.spyOn(t.app.get(AppLogger), 'warn');
    const res = await create('https://localhost/hooks');
    expect(res.status).toBe(400);
    // The operators see it, in the log.
    expect(warn).toHaveBeenCalledWith(
      expect.objectContaining({
        host: 'localhost',
        address: expect.stringMatching(/^(127\.|::1)/),
      }),
      expect.stringMatching(/non-public address/),
    );
    warn.mockRestore();
    const [error] = res.body.errors;
    expect(error.message).toBe(
      'url host localhost resolves to a loopback, private or reserved address',
    );
    expect(JSON.stringify(res.body)).not.toMatch(/127\.0\.0\.1|::1/);
  });

  it('refuses a URL that is not a string or too long', async () => {
    for (const url of [42, null, `https://93.184.216.34/${'a'.repeat(2100)}`]) {
      expect((await create(url)).status).toBe(400);
    }
  });

  it('accepts an https URL on a public address', async () => {
    const auth = await t.bearer('merchant', 'mer-without-refunds');
    const res = await create('https://93.184.216.34/hooks', auth);
    expect(res.status).toBe(201);
    const deleted = await t.http
      .delete(`/v1/webhook-endpoints/${res.body.id}`)
      .set('Authorization', auth);
    expect(deleted.status).toBe(204);
  });

  it('the worker refuses private addresses and plain http too, whatever got into the database', async () => {
    // Endpoints written straight to the database (as if made while private URLs were allowed,
    // or a name that resolves elsewhere now): the worker checks what it connects to. Every URL
    // here is on loopback, so even a broken check would send nothing elsewhere.
    const port = new URL(hook.url).port;
    const refusals: Record<string, RegExp> = {
      [`https://127.0.0.1:${port}/hooks`]: /^refused: .*loopback, private or reserved address/,
      [`https://localhost:${port}/hooks`]: /^refused: .*loopback, private or reserved address/,
      [`http://127.0.0.1:${port}/hooks`]: /^refused: not https$/,
    };
    const client = new Client({ connectionString: t.db.url });
    await client.connect();
    try {
      for (const url of Object.keys(refusals)) {
        await client.query(
          `INSERT INTO webhook_endpoints (id, owner_role, owner_id, url, events, secret)
           VALUES (gen_random_uuid(), 'merchant', 'mer-1', $1, '{refund.apply}', 'whsec_x')`,
          [url],
        );
      }
    } finally {
      await client.end();
    }
    await draft(t, a);
    await t.app.get(WebhookDeliveryService).deliverDue();
    expect(hook.received).toEqual([]);
    const list = await t.http.get('/v1/webhook-endpoints').set('Authorization', a.merchant);
    expect(list.body.data).toHaveLength(3);
    for (const endpoint of list.body.data) {
      const res = await t.http
        .get(`/v1/webhook-endpoints/${endpoint.id}/deliveries`)
        .set('Authorization', a.merchant);
      const [attempt] = res.body.data[0].attempts;
      expect(attempt).toMatchObject({
        statusCode: null,
        error: expect.stringMatching(refusals[endpoint.url]),
      });
    }
  });
});
