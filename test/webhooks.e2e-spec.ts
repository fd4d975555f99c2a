import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { EVENT_TYPES, REFUND_EVENT_TYPES } from '../apps/api/src/events/event-types';
import { WebhookDeliveryService } from '../apps/api/src/webhooks/webhook-delivery.service';
import { sealSecret, secretKeyId } from '../apps/api/src/webhooks/secret-box';
import { newSigningSecret, verifySignature } from '../apps/api/src/webhooks/signature';
import { WebhooksService } from '../apps/api/src/webhooks/webhooks.service';
import { startTestApp, TestApp } from './support/app';
import { eventually, sleep, stopScheduler } from './support/cases';
import { act, actors, Actors, draft } from './support/refunds';
import { Received, Receiver, startReceiver } from './support/webhook-receiver';

const SECRET_KEY = randomBytes(32);
const PREVIOUS_SECRET_KEY = randomBytes(32);

/**
 * Receivers run on loopback, so the tests allow private URLs; timeouts and windows are short.
 * Secrets are stored encrypted, as in production.
 */
const ENV = {
  WEBHOOK_ALLOW_PRIVATE_URLS: 'true',
  WEBHOOK_TIMEOUT_SECONDS: '0.5',
  WEBHOOK_RETRY_BASE_SECONDS: '0.1',
  WEBHOOK_RETRY_HOURS: '0.002',
  WEBHOOK_SECRET_KEY: SECRET_KEY.toString('hex'),
  WEBHOOK_SECRET_KEY_PREVIOUS: PREVIOUS_SECRET_KEY.toString('hex'),
};

const REFUND_TYPES = [
  'refund.apply',
  'refund.submit',
  'refund.start-review',
  'refund.approve',
  'refund.payout',
];

async function subscribe(t: TestApp, auth: string, url: string, events = REFUND_TYPES) {
  const res = await t.http
    .post('/v1/webhook-endpoints')
    .set('Authorization', auth)
    .send({ url, events });
  if (res.status !== 201) throw new Error(`subscribe: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { id: string; secret: string };
}

/** The whole life of a refund: apply, submit, start-review, approve, payout. */
async function refundLife(t: TestApp, a: Actors): Promise<string> {
  const refund = await draft(t, a);
  for (const [who, action, body] of [
    [a.customer, 'submit', {}],
    [a.merchant, 'start-review', {}],
    [a.merchant, 'approve', { note: 'Sorry about that.' }],
    [a.system, 'payout', { result: 'SUCCEEDED', reference: 'PAYOUT-1' }],
  ] as const) {
    const res = await act(t, who, refund.id as string, action, body);
    if (res.status !== 200) throw new Error(`${action}: ${res.status} ${JSON.stringify(res.body)}`);
  }
  return refund.id as string;
}

const ofRefund = (received: Received[], refundId: string) =>
  received.filter((r) => r.event.data.id === refundId || r.event.data.refundId === refundId);

describe('webhooks', () => {
  let t: TestApp;
  let a: Actors;
  let worker: WebhookDeliveryService;
  const receivers: Receiver[] = [];
  const receiver = async (answer?: Parameters<typeof startReceiver>[0]) => {
    const started = await startReceiver(answer);
    receivers.push(started);
    return started;
  };
  /** Runs the delivery job (as the scheduler would) until `done`, or fails after `timeoutMs`. */
  const deliverUntil = (done: () => boolean, what: string, timeoutMs = 10_000) =>
    eventually(
      async () => {
        await worker.deliverDue();
        return done();
      },
      what,
      timeoutMs,
    );

  beforeAll(async () => {
    t = await startTestApp(ENV);
    await stopScheduler(t.app);
    a = await actors(t);
    worker = t.app.get(WebhookDeliveryService);
  });
  afterAll(async () => {
    await Promise.all(receivers.map((r) => r.close()));
    await t.close();
  });

  describe('endpoints', () => {
    it('answer the signing secret once, at creation, and never again', async () => {
      const hook = await receiver();
      const created = await subscribe(t, a.merchant, hook.url);
      expect(created).toMatchObject({
        url: hook.url,
        events: REFUND_TYPES,
        owner: { role: 'merchant', id: 'mer-1' },
      });
      expect(created.secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);

      const one = await t.http
        .get(`/v1/webhook-endpoints/${created.id}`)
        .set('Authorization', a.merchant);
      expect(one.status).toBe(200);
      expect(one.body).not.toHaveProperty('secret');
      const list = await t.http.get('/v1/webhook-endpoints').set('Authorization', a.merchant);
      expect(list.body.data.map((e: { id: string }) => e.id)).toContain(created.id);
      expect(JSON.stringify(list.body)).not.toContain(created.secret);
    });

    it('belong to their merchant: others get 404, the system sees all, other roles 403', async () => {
      const hook = await receiver();
      const { id } = await subscribe(t, a.merchant, hook.url);
      for (const path of [
        `/v1/webhook-endpoints/${id}`,
        `/v1/webhook-endpoints/${id}/deliveries`,
      ]) {
        const foreign = await t.http.get(path).set('Authorization', a.otherMerchant);
        expect(foreign.status).toBe(404);
        expect((await t.http.get(path).set('Authorization', a.system)).status).toBe(200);
      }
      const others = await t.http
        .get('/v1/webhook-endpoints')
        .set('Authorization', a.otherMerchant);
      expect(others.body.data.map((e: { id: string }) => e.id)).not.toContain(id);
      expect(
        (await t.http.delete(`/v1/webhook-endpoints/${id}`).set('Authorization', a.otherMerchant))
          .status,
      ).toBe(404);
      for (const auth of [a.customer, a.agent]) {
        const res = await t.http
          .post('/v1/webhook-endpoints')
          .set('Authorization', auth)
          .send({ url: hook.url, events: REFUND_TYPES });
        expect(res.status).toBe(403);
        expect((await t.http.get('/v1/webhook-endpoints').set('Authorization', auth)).status).toBe(
          403,
        );
      }
    });

    it('refuse unknown event types, and case events for merchants', async () => {
      const hook = await receiver();
      for (const events of [
        [],
        ['refund.nope'],
        ['refund.apply', 'refund.apply'],
        'refund.apply',
      ]) {
        const res = await t.http
          .post('/v1/webhook-endpoints')
          .set('Authorization', a.merchant)
          .send({ url: hook.url, events });
        expect(res.status).toBe(400);
        expect(res.body.code).toBe('VALIDATION_FAILED');
      }
      const cases = await t.http
        .post('/v1/webhook-endpoints')
        .set('Authorization', a.merchant)
        .send({ url: hook.url, events: ['case.opened'] });
      expect(cases.status).toBe(400);
      expect(cases.body.errors).toEqual([
        { field: 'events', message: expect.stringMatching(/refund/) },
      ]);
      await subscribe(t, a.system, hook.url, ['case.opened', 'refund.apply']);
    });

    it('delete: 204, then 404, and its deliveries stop', async () => {
      const hook = await receiver();
      const { id } = await subscribe(t, a.merchant, hook.url);
      const res = await t.http
        .delete(`/v1/webhook-endpoints/${id}`)
        .set('Authorization', a.merchant);
      expect(res.status).toBe(204);
      expect(
        (await t.http.get(`/v1/webhook-endpoints/${id}`).set('Authorization', a.merchant)).status,
      ).toBe(404);
      await draft(t, a);
      await worker.deliverDue();
      expect(hook.received).toEqual([]);
    });
  });

  describe('secrets', () => {
    const storedSecrets = async (id: string) =>
      (
        await t.query<{ secret: string; previous_secret: string | null }>(
          'SELECT secret, previous_secret FROM webhook_endpoints WHERE id = $1',
          [id],
        )
      )[0];
    const rotate = (id: string, auth = a.merchant) =>
      t.http.post(`/v1/webhook-endpoints/${id}/rotate-secret`).set('Authorization', auth);
    /** The one delivery of a new refund's `refund.apply` to `hook`. */
    const applyDelivery = async (hook: Receiver) => {
      const refund = await draft(t, a);
      await deliverUntil(
        () => ofRefund(hook.received, refund.id as string).length === 1,
        'the apply event',
      );
      const [got] = ofRefund(hook.received, refund.id as string);
      return { header: got.headers['refund-signature'] as string, body: got.body };
    };

    it("are stored encrypted under WEBHOOK_SECRET_KEY, and deliveries verify with the receiver's secret", async () => {
      const hook = await receiver();
      const { id, secret } = await subscribe(t, a.merchant, hook.url, ['refund.apply']);
      const stored = await storedSecrets(id);
      expect(stored.secret).not.toContain(secret);
      expect(stored.secret).not.toContain(secret.slice('whsec_'.length));
      expect(stored.secret).toMatch(new RegExp(`^aes256gcm:${secretKeyId(SECRET_KEY)}:`));
      const { header, body } = await applyDelivery(hook);
      expect(header).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
      expect(verifySignature(header, body, secret)).toBe(true);
    });

    it('rotate-secret: a new secret shown once; both sign for 24 hours, then the new one alone', async () => {
      const hook = await receiver();
      const { id, secret: old } = await subscribe(t, a.merchant, hook.url, ['refund.apply']);
      const send = () => rotate(id).set('Idempotency-Key', `rotate-${id}`);
      const rotated = await send();
      expect(rotated.status).toBe(200);
      const { secret } = rotated.body;
      expect(secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
      expect(secret).not.toBe(old);
      expect(rotated.body).toMatchObject({ id, events: ['refund.apply'] });
      const until = Date.parse(rotated.body.previousSecretExpiresAt) - Date.now();
      expect(until).toBeGreaterThan(23.9 * 3_600_000);
      expect(until).toBeLessThanOrEqual(24 * 3_600_000);
      // Shown once: a replay, the endpoint's GET and the stored row never show it.
      const replay = await send();
      expect(replay.headers['idempotent-replayed']).toBe('true');
      expect(replay.body).toEqual({ ...rotated.body, secret: undefined });
      const one = await t.http.get(`/v1/webhook-endpoints/${id}`).set('Authorization', a.merchant);
      expect(one.body).not.toHaveProperty('secret');
      const stored = await storedSecrets(id);
      expect(JSON.stringify(stored)).not.toContain(secret);
      expect(JSON.stringify(stored)).not.toContain(old);

      const both = await applyDelivery(hook);
      expect(both.header).toMatch(/^t=\d+,v1=[0-9a-f]{64},v1=[0-9a-f]{64}$/);
      expect(verifySignature(both.header, both.body, secret)).toBe(true);
      expect(verifySignature(both.header, both.body, old)).toBe(true);
      const [, newOne, oldOne] = both.header.split(',');
      expect(verifySignature(`${both.header.split(',')[0]},${newOne}`, both.body, secret)).toBe(
        true,
      );
      expect(verifySignature(`${both.header.split(',')[0]},${oldOne}`, both.body, old)).toBe(true);

      // 24 hours later (the rotation moved back a day), the old secret no longer signs.
      await t.query(
        `UPDATE webhook_endpoints SET secret_rotated_at = now() - interval '24 hours 1 second'
          WHERE id = $1`,
        [id],
      );
      const after = await applyDelivery(hook);
      expect(after.header).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
      expect(verifySignature(after.header, after.body, secret)).toBe(true);
      expect(verifySignature(after.header, after.body, old)).toBe(false);
    });

    it('a second rotation within the 24 hours drops the oldest secret', async () => {
      const hook = await receiver();
      const { id, secret: first } = await subscribe(t, a.merchant, hook.url, ['refund.apply']);
      const second = (await rotate(id)).body.secret as string;
      const third = (await rotate(id)).body.secret as string;
      const { header, body } = await applyDelivery(hook);
      expect(header.split(',').filter((part) => part.startsWith('v1='))).toHaveLength(2);
      expect(verifySignature(header, body, third)).toBe(true);
      expect(verifySignature(header, body, second)).toBe(true);
      expect(verifySignature(header, body, first)).toBe(false);
    });

    it('rotate-secret belongs to the owner and the system: others 404, customers 403', async () => {
      const hook = await receiver();
      const { id } = await subscribe(t, a.merchant, hook.url, ['refund.apply']);
      expect((await rotate(id, a.otherMerchant)).status).toBe(404);
      expect((await rotate(id, a.customer)).status).toBe(403);
      expect((await rotate(id, a.agent)).status).toBe(403);
      expect((await rotate('00000000-0000-4000-8000-000000000000')).status).toBe(404);
      const bySystem = await rotate(id, a.system);
      expect(bySystem.status).toBe(200);
      expect(bySystem.body.secret).toMatch(/^whsec_/);
    });

    it('a secret sealed with a key the service lacks is not used: nothing is sent, the attempt says why', async () => {
      const hook = await receiver();
      const { id } = await subscribe(t, a.merchant, hook.url, ['refund.apply']);
      await t.query('UPDATE webhook_endpoints SET secret = $2 WHERE id = $1', [
        id,
        sealSecret(newSigningSecret(), randomBytes(32)),
      ]);
      await draft(t, a);
      await worker.deliverDue();
      expect(hook.received).toEqual([]);
      const deliveries = await t.http
        .get(`/v1/webhook-endpoints/${id}/deliveries`)
        .set('Authorization', a.merchant);
      expect(deliveries.body.data[0].attempts[0]).toMatchObject({
        statusCode: null,
        error: expect.stringMatching(/signing secret cannot be decrypted/),
      });
      await t.http.delete(`/v1/webhook-endpoints/${id}`).set('Authorization', a.merchant);
    });

    it('secrets stored plain, or under WEBHOOK_SECRET_KEY_PREVIOUS, still sign, and are sealed with the key at start-up', async () => {
      const hook = await receiver();
      const { id } = await subscribe(t, a.merchant, hook.url, ['refund.apply']);
      const plain = newSigningSecret();
      const underPrevious = newSigningSecret();
      // As stored before the key was set, and before the key was changed.
      await t.query(
        `UPDATE webhook_endpoints SET secret = $2, previous_secret = $3, secret_rotated_at = now()
          WHERE id = $1`,
        [id, plain, sealSecret(underPrevious, PREVIOUS_SECRET_KEY)],
      );
      const before = await applyDelivery(hook);
      expect(verifySignature(before.header, before.body, plain)).toBe(true);
      expect(verifySignature(before.header, before.body, underPrevious)).toBe(true);

      expect(await t.app.get(WebhooksService).sealStoredSecrets()).toBeGreaterThanOrEqual(1);
      const stored = await storedSecrets(id);
      const current = new RegExp(`^aes256gcm:${secretKeyId(SECRET_KEY)}:`);
      expect(stored.secret).toMatch(current);
      expect(stored.previous_secret).toMatch(current);
      const after = await applyDelivery(hook);
      expect(verifySignature(after.header, after.body, plain)).toBe(true);
      expect(verifySignature(after.header, after.body, underPrevious)).toBe(true);
      expect(await t.app.get(WebhooksService).sealStoredSecrets()).toBe(0);
    });
  });

  it('deliver a correctly signed event for each transition of a refund, in order', async () => {
    const hook = await receiver();
    const otherHook = await receiver();
    const { secret } = await subscribe(t, a.merchant, hook.url);
    await subscribe(t, a.otherMerchant, otherHook.url);
    const refundId = await refundLife(t, a);
    await deliverUntil(() => ofRefund(hook.received, refundId).length === 5, 'five events');

    const got = ofRefund(hook.received, refundId);
    expect(got.map((r) => r.event.type)).toEqual(REFUND_TYPES);
    expect(got.map((r) => r.event.data.status)).toEqual([
      'DRAFT',
      'SUBMITTED',
      'UNDER_REVIEW',
      'APPROVED',
      'REFUNDED',
    ]);
    for (const r of got) {
      expect(r.headers['content-type']).toBe('application/json');
      expect(r.headers['refund-event-id']).toBe(r.event.id);
      expect(r.headers['refund-signature']).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
      expect(verifySignature(r.headers['refund-signature'] as string, r.body, secret)).toBe(true);
      expect(verifySignature(r.headers['refund-signature'] as string, r.body, 'whsec_wrong')).toBe(
        false,
      );
      expect(r.event.data).not.toHaveProperty('nextActions');
      expect(Object.keys(r.event).sort()).toEqual(['createdAt', 'data', 'id', 'type']);
    }
    // The same events, with the same ids, as GET /v1/events lists them (newest first).
    const listed = await t.http
      .get('/v1/events')
      .query({ limit: 100 })
      .set('Authorization', a.merchant);
    const mine = listed.body.data.filter((e: Received['event']) => e.data.id === refundId);
    expect(mine.map((e: Received['event']) => e.id).reverse()).toEqual(got.map((r) => r.event.id));
    // Another merchant's endpoint hears nothing of it.
    expect(ofRefund(otherHook.received, refundId)).toEqual([]);
  });

  it('an Idempotency-Key replay of the creation answers without the secret', async () => {
    const hook = await receiver();
    const send = () =>
      t.http
        .post('/v1/webhook-endpoints')
        .set('Authorization', a.merchant)
        .set('Idempotency-Key', 'create-endpoint-1')
        .send({ url: hook.url, events: ['refund.apply'] });
    const first = await send();
    expect(first.status).toBe(201);
    expect(first.body.secret).toMatch(/^whsec_/);
    const replay = await send();
    expect(replay.status).toBe(201);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body).toEqual({ ...first.body, secret: undefined });
    const client = new Client({ connectionString: t.db.url });
    await client.connect();
    try {
      const { rows } = await client.query(
        'SELECT response_body::text AS body FROM idempotency_keys',
      );
      expect(rows.map((row) => row.body).join()).not.toContain(first.body.secret);
    } finally {
      await client.end();
    }
  });

  it('a receiver that fails twice then succeeds gets every event acknowledged exactly once, in order', async () => {
    let failures = 0;
    const hook = await receiver(() => (failures++ < 2 ? 500 : 200));
    const { id: endpointId } = await subscribe(t, a.merchant, hook.url);
    const refundId = await refundLife(t, a);
    await deliverUntil(() => hook.acknowledged().length === 5, 'five acknowledgements');

    const events = ofRefund(hook.received, refundId);
    expect(events.map((r) => r.answer)).toEqual([500, 500, 200, 200, 200, 200, 200]);
    // The failing event was retried with the same id, and held back the later ones meanwhile.
    expect(new Set(events.slice(0, 3).map((r) => r.event.id)).size).toBe(1);
    expect(events.slice(2).map((r) => r.event.type)).toEqual(REFUND_TYPES);
    const acknowledged = hook.acknowledged();
    expect(new Set(acknowledged).size).toBe(5);

    const deliveries = await t.http
      .get(`/v1/webhook-endpoints/${endpointId}/deliveries`)
      .set('Authorization', a.merchant);
    expect(deliveries.status).toBe(200);
    const first = deliveries.body.data.find(
      (d: { eventId: string }) => d.eventId === events[0].event.id,
    );
    expect(first).toMatchObject({
      eventType: 'refund.apply',
      status: 'SUCCEEDED',
      attemptCount: 3,
      nextAttemptAt: null,
    });
    expect(first.attempts.map((x: { statusCode: number }) => x.statusCode)).toEqual([
      500, 500, 200,
    ]);
    // Only a short excerpt of what the receiver said is kept.
    expect(first.attempts[0].responseExcerpt.length).toBeLessThanOrEqual(200);
    expect(first.attempts[0].responseExcerpt).toMatch(/^failing on purpose/);
  });

  it("never send a merchant what the customer tells support (cases go to the system's endpoints)", async () => {
    const shop = await receiver();
    const backEnd = await receiver();
    await subscribe(t, a.merchant, shop.url, REFUND_EVENT_TYPES);
    await subscribe(t, a.system, backEnd.url, EVENT_TYPES);
    const refund = await draft(t, a);
    const message = 'My new number is +62 812 5550 1234; please call me, not the shop.';
    const escalated = await act(t, a.customer, refund.id as string, 'escalate', { message });
    expect(escalated.status).toBe(201);
    await deliverUntil(
      () =>
        ofRefund(shop.received, refund.id as string).length === 2 &&
        ofRefund(backEnd.received, refund.id as string).length === 3,
      'the escalation to both endpoints',
    );

    const toShop = ofRefund(shop.received, refund.id as string);
    expect(toShop.map((r) => r.event.type)).toEqual(['refund.apply', 'refund.escalate']);
    expect(toShop.map((r) => r.body).join('\n')).not.toContain('5550 1234');
    expect(ofRefund(backEnd.received, refund.id as string).map((r) => r.event.type)).toEqual([
      'refund.apply',
      'case.opened',
      'refund.escalate',
    ]);
  });

  it("wildcards: refund.* and a merchant's * get refund events only; the system's * gets cases too", async () => {
    const family = await receiver();
    const shopAll = await receiver();
    const backEnd = await receiver();
    await subscribe(t, a.merchant, family.url, ['refund.*']);
    await subscribe(t, a.merchant, shopAll.url, ['*']);
    await subscribe(t, a.system, backEnd.url, ['*']);
    const refund = await draft(t, a);
    const id = refund.id as string;
    expect((await act(t, a.customer, id, 'escalate', { message: 'Help' })).status).toBe(201);
    await deliverUntil(
      () =>
        ofRefund(family.received, id).length === 2 &&
        ofRefund(shopAll.received, id).length === 2 &&
        ofRefund(backEnd.received, id).length === 3,
      'the escalation to every endpoint',
    );
    await sleep(100);
    await worker.deliverDue();
    for (const hook of [family, shopAll]) {
      expect(ofRefund(hook.received, id).map((r) => r.event.type)).toEqual([
        'refund.apply',
        'refund.escalate',
      ]);
    }
    expect(ofRefund(backEnd.received, id).map((r) => r.event.type)).toEqual([
      'refund.apply',
      'case.opened',
      'refund.escalate',
    ]);
  });

  it('case.* is for the system: a merchant asking for it gets 400', async () => {
    const hook = await receiver();
    const res = await t.http
      .post('/v1/webhook-endpoints')
      .set('Authorization', a.merchant)
      .send({ url: hook.url, events: ['case.*'] });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([
      { field: 'events', message: expect.stringMatching(/refund/) },
    ]);
    const system = await subscribe(t, a.system, hook.url, ['case.*', 'refund.apply']);
    expect(system).toMatchObject({ events: ['case.*', 'refund.apply'] });
    for (const events of [['refund.**'], ['case'], ['*.*'], ['nope.*']]) {
      const bad = await t.http
        .post('/v1/webhook-endpoints')
        .set('Authorization', a.system)
        .send({ url: hook.url, events });
      expect(bad.status).toBe(400);
    }
  });

  it("a failing event holds back only its own refund's later events", async () => {
    let stuck = '';
    const hook = await receiver((event) => (event.data.id === stuck ? 503 : 200));
    await subscribe(t, a.merchant, hook.url, ['refund.apply', 'refund.submit']);
    const blocked = await draft(t, a);
    stuck = blocked.id as string;
    await act(t, a.customer, stuck, 'submit');
    const free = await draft(t, a);
    await act(t, a.customer, free.id as string, 'submit');
    await deliverUntil(
      () => ofRefund(hook.received, free.id as string).length === 2,
      'the free refund',
    );
    expect(ofRefund(hook.received, free.id as string).map((r) => r.event.type)).toEqual([
      'refund.apply',
      'refund.submit',
    ]);
    // The blocked refund's submit never went out while its apply kept failing.
    expect(ofRefund(hook.received, stuck).length).toBeGreaterThan(0);
    expect(ofRefund(hook.received, stuck).every((r) => r.event.type === 'refund.apply')).toBe(true);
  });

  it('a receiver that never answers is retried, then marked failed; a manual retry delivers it', async () => {
    let hang = true;
    const hook = await receiver(() => (hang ? 'hang' : 200));
    const { id: endpointId } = await subscribe(t, a.merchant, hook.url, ['refund.apply']);
    const refund = await draft(t, a);
    const deliveryOf = async () => {
      const res = await t.http
        .get(`/v1/webhook-endpoints/${endpointId}/deliveries`)
        .set('Authorization', a.merchant);
      return res.body.data[0];
    };
    // The retry window is 7.2 s: attempts time out after 0.5 s and back off from 0.1 s.
    const failed = await eventually(
      async () => {
        await worker.deliverDue();
        const delivery = await deliveryOf();
        return delivery.status === 'FAILED' ? delivery : undefined;
      },
      'the delivery to fail',
      20_000,
    );
    expect(failed.attemptCount).toBeGreaterThanOrEqual(3);
    expect(failed.attempts).toHaveLength(failed.attemptCount);
    for (const attempt of failed.attempts) {
      expect(attempt).toMatchObject({ statusCode: null, error: 'timed out after 500 ms' });
    }
    expect(new Set(hook.received.map((r) => r.event.id))).toEqual(new Set([failed.eventId]));
    expect(hook.acknowledged()).toEqual([]);
    // Failed for good: the worker leaves it alone.
    const before = hook.received.length;
    await worker.deliverDue();
    expect(hook.received.length).toBe(before);

    const retry = await t.http
      .post(`/v1/webhook-endpoints/${endpointId}/deliveries/${failed.id}/retry`)
      .set('Authorization', a.merchant);
    expect(retry.status).toBe(200);
    expect(retry.body).toMatchObject({ id: failed.id, status: 'PENDING' });
    // The retry opens a new window, and the backoff starts again from the base (0.05–0.1 s).
    await worker.deliverDue();
    const retried = await deliveryOf();
    expect(retried).toMatchObject({ status: 'PENDING', attemptCount: failed.attemptCount + 1 });
    const lastAttemptEnd =
      Date.parse(retried.attempts.at(-1).startedAt) + retried.attempts.at(-1).durationMs;
    expect(Date.parse(retried.nextAttemptAt) - lastAttemptEnd).toBeLessThan(1_000);

    hang = false;
    await deliverUntil(() => hook.acknowledged().length === 1, 'the retried delivery');
    expect(hook.acknowledged()).toEqual([failed.eventId]);
    expect(hook.received.at(-1)?.event.data.id).toBe(refund.id);
    expect(await deliveryOf()).toMatchObject({
      status: 'SUCCEEDED',
      deliveredAt: expect.any(String),
    });

    const again = await t.http
      .post(`/v1/webhook-endpoints/${endpointId}/deliveries/${failed.id}/retry`)
      .set('Authorization', a.merchant);
    expect(again.status).toBe(409);
    const missing = await t.http
      .post(
        `/v1/webhook-endpoints/${endpointId}/deliveries/00000000-0000-4000-8000-000000000000/retry`,
      )
      .set('Authorization', a.merchant);
    expect(missing.status).toBe(404);
  });

  it('records nothing, and delivers nothing, for a change that rolls back at commit', async () => {
    const hook = await receiver();
    await subscribe(t, a.merchant, hook.url);
    const refund = await draft(t, a);
    const id = refund.id as string;
    await act(t, a.customer, id, 'submit');
    await act(t, a.merchant, id, 'start-review');
    // A deferred trigger fails the approval at COMMIT, after every write of it (the timeline
    // row, the outbox event and its deliveries) was made: the transaction's last moment.
    const client = new Client({ connectionString: t.db.url });
    await client.connect();
    try {
      await client.query(`
        CREATE FUNCTION fail_at_commit() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'injected failure at commit'; END $$;
        CREATE CONSTRAINT TRIGGER fail_approval AFTER UPDATE ON refunds
          DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
          WHEN (NEW.status = 'APPROVED' AND NEW.id = '${id}') EXECUTE FUNCTION fail_at_commit();`);
      const approve = await act(t, a.merchant, id, 'approve');
      expect(approve.status).toBeGreaterThanOrEqual(500);
      const { rows } = await client.query(
        `SELECT type FROM events WHERE refund_id = $1 ORDER BY position`,
        [id],
      );
      expect(rows.map((row) => row.type)).toEqual([
        'refund.apply',
        'refund.submit',
        'refund.start-review',
      ]);
      await client.query('DROP TRIGGER fail_approval ON refunds');
    } finally {
      await client.end();
    }
    await deliverUntil(() => ofRefund(hook.received, id).length === 3, 'the committed events');
    await sleep(200);
    await worker.deliverDue();
    expect(ofRefund(hook.received, id).map((r) => r.event.type)).toEqual([
      'refund.apply',
      'refund.submit',
      'refund.start-review',
    ]);
    // The refund is as it was; approving again now commits, and is delivered.
    expect((await act(t, a.merchant, id, 'approve')).status).toBe(200);
    await deliverUntil(() => ofRefund(hook.received, id).length === 4, 'the approval');
  });

  it('two workers at once attempt each delivery once', async () => {
    const hook = await receiver();
    await subscribe(t, a.merchant, hook.url);
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) ids.push(await refundLife(t, a));
    await Promise.all([worker.deliverDue(), worker.deliverDue(), worker.deliverDue()]);
    await deliverUntil(() => hook.acknowledged().length >= 30, 'thirty events');
    const got = hook.received.filter((r) => ids.includes(r.event.data.id as string));
    expect(got).toHaveLength(30);
    expect(new Set(got.map((r) => r.event.id)).size).toBe(30);
    for (const id of ids) {
      expect(ofRefund(got, id).map((r) => r.event.type)).toEqual(REFUND_TYPES);
    }
  });

  it('the receiver example of docs/webhooks.md verifies signatures and acknowledges every event', async () => {
    const page = await readFile(path.resolve(__dirname, '../docs/webhooks.md'), 'utf8');
    const example = /<!-- receiver-example -->\s*```js\n([\s\S]*?)```/.exec(page)?.[1];
    expect(example).toBeDefined();
    const dir = await mkdtemp(path.join(os.tmpdir(), 'receiver-'));
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port: free } = probe.address() as { port: number };
        probe.close(() => resolve(free));
      });
    });
    await writeFile(path.join(dir, 'receiver.mjs'), example as string);
    const url = `http://127.0.0.1:${port}/refund-desk`;
    const { id: endpointId, secret } = await subscribe(t, a.merchant, url);
    const child = spawn(process.execPath, [path.join(dir, 'receiver.mjs')], {
      env: { ...process.env, WEBHOOK_SECRET: secret, PORT: String(port) },
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    try {
      // A forged delivery is refused.
      await eventually(
        () =>
          fetch(url, {
            method: 'POST',
            headers: { 'refund-signature': 't=1,v1=00' },
            body: '{}',
          }).then(
            (res) => res.status === 400,
            () => false,
          ),
        'the example receiver to listen',
      );
      const refundId = await refundLife(t, a);
      await deliverUntil(
        () =>
          output
            .trim()
            .split('\n')
            .filter((line) => line.includes(refundId)).length === 5,
        'five events at the example receiver',
      );
      expect(output).toContain(`refund.payout ${refundId} REFUNDED`);
      const deliveries = await t.http
        .get(`/v1/webhook-endpoints/${endpointId}/deliveries`)
        .set('Authorization', a.merchant);
      expect(deliveries.body.data.map((d: { status: string }) => d.status)).toEqual(
        Array(5).fill('SUCCEEDED'),
      );
      // After a rotation, the receiver still on the old secret accepts the two-signature header.
      const rotated = await t.http
        .post(`/v1/webhook-endpoints/${endpointId}/rotate-secret`)
        .set('Authorization', a.merchant);
      expect(rotated.status).toBe(200);
      const afterRotation = await draft(t, a);
      await deliverUntil(
        () => output.includes(`refund.apply ${afterRotation.id as string} DRAFT`),
        'the event signed with both secrets at the example receiver',
      );
    } finally {
      child.kill();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
