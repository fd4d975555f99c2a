import { Client } from 'pg';
import { IdempotencyRepository } from '../apps/api/src/idempotency/idempotency.repository';
import { PURGE_BATCH_SIZE } from '../apps/api/src/idempotency/idempotency.service';
import { EVENT_PURGE_BATCH_SIZE } from '../apps/api/src/outbox/outbox-retention.service';
import { OutboxRepository } from '../apps/api/src/outbox/outbox.repository';
import { SchedulerService } from '../apps/api/src/jobs/scheduler.service';
import { startTestApp, TestApp } from './support/app';
import { escalate, refundThrough, stopScheduler, SUBMIT } from './support/cases';
import { actors, Actors } from './support/refunds';

const count = async (t: TestApp, sql: string, values: unknown[] = []) =>
  Number((await t.query<{ n: string }>(`SELECT count(*) AS n FROM ${sql}`, values))[0].n);

describe('retention', () => {
  let t: TestApp;
  let a: Actors;
  let refundId: string;
  beforeAll(async () => {
    t = await startTestApp({ EVENT_RETENTION_DAYS: '30', WEBHOOK_ALLOW_PRIVATE_URLS: 'true' });
    await stopScheduler(t.app);
    a = await actors(t);
    const hook = await t.http
      .post('/v1/webhook-endpoints')
      .set('Authorization', a.system)
      .send({ url: 'http://127.0.0.1:9/hook', events: ['refund.apply', 'refund.submit'] });
    expect(hook.status).toBe(201);
    // Real events, deliveries, a timeline and a case: all recent.
    refundId = await refundThrough(t, a, [SUBMIT]);
    expect((await escalate(t, a.customer, refundId)).status).toBe(201);
  });
  afterAll(async () => {
    jest.restoreAllMocks();
    await t.close();
  });

  describe('of events', () => {
    const OLD = 1_200;
    let recentEvents: number;
    let recentDeliveries: number;
    let timeline: number;

    beforeAll(async () => {
      recentEvents = await count(t, 'events');
      recentDeliveries = await count(t, 'webhook_deliveries');
      expect(recentDeliveries).toBe(2);
      // More old events than one batch, each delivered to the endpoint with one attempt, and one
      // event just inside the retention.
      await t.query(
        `INSERT INTO events (id, type, refund_id, customer_id, merchant_id, data, created_at)
         SELECT gen_random_uuid(), 'refund.submit', $1, 'cus-1', 'mer-1', '{}'::json,
                now() - interval '31 days' - make_interval(secs => n)
           FROM generate_series(1, $2::int) AS n`,
        [refundId, OLD],
      );
      await t.query(
        `INSERT INTO events (id, type, refund_id, customer_id, merchant_id, data, created_at)
         VALUES (gen_random_uuid(), 'refund.submit', $1, 'cus-1', 'mer-1', '{}'::json,
                 now() - interval '29 days')`,
        [refundId],
      );
      await t.query(
        `INSERT INTO webhook_deliveries (id, endpoint_id, event_id, ordering_key, event_position,
                status, next_attempt_at, created_at)
         SELECT gen_random_uuid(), endpoint.id, event.id, event.refund_id::text, event.position,
                'SUCCEEDED', event.created_at, event.created_at
           FROM events event CROSS JOIN webhook_endpoints endpoint
          WHERE event.created_at < now() - interval '1 day'`,
      );
      await t.query(
        `INSERT INTO webhook_attempts (id, delivery_id, number, started_at, duration_ms, status_code)
         SELECT gen_random_uuid(), id, 1, created_at, 12, 200 FROM webhook_deliveries
          WHERE created_at < now() - interval '1 day'`,
      );
      // An old timeline entry and an old case: never purged.
      await t.query(
        `INSERT INTO refund_events (id, refund_id, sequence, action, actor_role, actor_id, created_at)
         VALUES (gen_random_uuid(), $1, 1000, 'note', 'system', 'ledger', now() - interval '400 days')`,
        [refundId],
      );
      await t.query(
        `UPDATE support_cases SET created_at = now() - interval '400 days' WHERE refund_id = $1`,
        [refundId],
      );
      timeline = await count(t, 'refund_events');
    });

    it('purges events past EVENT_RETENTION_DAYS with their deliveries and attempts, in batches', async () => {
      expect(OLD).toBeGreaterThan(2 * EVENT_PURGE_BATCH_SIZE);
      const batches = jest.spyOn(t.app.get(OutboxRepository), 'lockEventsBefore');
      await t.app.get(SchedulerService).runNow('events.purge');

      expect(batches).toHaveBeenCalledTimes(Math.floor(OLD / EVENT_PURGE_BATCH_SIZE) + 1);
      for (const [, limit] of batches.mock.calls) expect(limit).toBe(EVENT_PURGE_BATCH_SIZE);
      expect(await count(t, `events WHERE created_at < now() - interval '30 days'`)).toBe(0);
      expect(await count(t, 'events')).toBe(recentEvents + 1);
      expect(await count(t, 'webhook_deliveries')).toBe(recentDeliveries + 1);
      expect(await count(t, 'webhook_attempts')).toBe(1);
    });

    it('never purges timelines, cases or attachments', async () => {
      expect(await count(t, 'refund_events')).toBe(timeline);
      expect(await count(t, 'support_cases WHERE refund_id = $1', [refundId])).toBe(1);
      expect(await count(t, 'refunds WHERE id = $1', [refundId])).toBe(1);
      const res = await t.http
        .get(`/v1/refunds/${refundId}/events`)
        .set('Authorization', a.customer);
      expect(res.status).toBe(200);
      expect(res.body.length).toBe(timeline);
    });

    it('still refuses any other DELETE or an UPDATE of an event, even with the purge setting', async () => {
      const [{ id }] = await t.query<{ id: string }>('SELECT id FROM events LIMIT 1');
      await expect(t.query('DELETE FROM events WHERE id = $1', [id])).rejects.toThrow(
        /append-only \(DELETE refused\)/,
      );
      const client = new Client({ connectionString: t.db.url });
      await client.connect();
      try {
        await client.query('BEGIN');
        await client.query(`SET LOCAL refund_desk.purge = 'on'`);
        await expect(
          client.query(`UPDATE events SET type = 'refund.forged' WHERE id = $1`, [id]),
        ).rejects.toThrow(/append-only \(UPDATE refused\)/);
        await client.query('ROLLBACK');
        // The setting lasted only for that transaction.
        await expect(client.query('DELETE FROM events WHERE id = $1', [id])).rejects.toThrow(
          /append-only/,
        );
      } finally {
        await client.end();
      }
      expect(await count(t, 'events WHERE id = $1', [id])).toBe(1);
    });
  });

  describe('of idempotency keys', () => {
    it('deletes only expired keys, in batches', async () => {
      const EXPIRED = 1_100;
      await t.query(
        `INSERT INTO idempotency_keys (principal, method, path, key, fingerprint, response_status,
                created_at, expires_at)
         SELECT 'customer:cus-1', 'POST', '/v1/refunds', 'old-' || n, repeat('0', 64), 201,
                now() - interval '2 days', now() - interval '1 day' - make_interval(secs => n)
           FROM generate_series(1, $1::int) AS n`,
        [EXPIRED],
      );
      const live = await count(t, 'idempotency_keys WHERE expires_at > now()');
      await t.query(
        `INSERT INTO idempotency_keys (principal, method, path, key, fingerprint, expires_at)
         VALUES ('customer:cus-1', 'POST', '/v1/refunds', 'fresh', repeat('0', 64),
                 now() + interval '1 hour')`,
      );
      const batches = jest.spyOn(t.app.get(IdempotencyRepository), 'deleteExpiredBatch');
      await t.app.get(SchedulerService).runNow('idempotency.purge');

      expect(batches).toHaveBeenCalledTimes(Math.floor(EXPIRED / PURGE_BATCH_SIZE) + 1);
      expect(await count(t, 'idempotency_keys WHERE expires_at <= now()')).toBe(0);
      expect(await count(t, 'idempotency_keys')).toBe(live + 1);
    });
  });
});
