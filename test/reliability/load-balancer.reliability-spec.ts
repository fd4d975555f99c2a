import { isDeepStrictEqual } from 'node:util';
import { EVENT_TYPES } from '../../apps/api/src/events/event-types';
import { createTestDatabase, TestDatabase } from '../support/database';
import { ServiceProcess, startService } from '../support/service-process';
import { startReceiver, Receiver } from '../support/webhook-receiver';
import { Balancer, startHaproxy } from './support/haproxy';
import {
  acknowledgements,
  brokenInvariants,
  eventsPerRefund,
  query,
  schedulersCaughtUp,
} from './support/invariants';
import { Journey, MixedLoad, Outcome, principals, send, steady, tally } from './support/load';

/**
 * Every scheduler scans each second, every submission is overdue at once, drafts expire after a
 * day untouched (the spec ages some), and the rate limit is counted in the shared database.
 */
const ENV = {
  SLA_CHECK_INTERVAL_SECONDS: '1',
  REVIEW_SLA_BUSINESS_DAYS: '0',
  DRAFT_EXPIRY_DAYS: '1',
  RATE_LIMIT_STORE: 'postgres',
  RATE_LIMIT_PER_MINUTE: '100000',
  TRUST_PROXY: '127.0.0.1',
  WEBHOOK_ALLOW_PRIVATE_URLS: 'true',
  WEBHOOK_TIMEOUT_SECONDS: '2',
  WEBHOOK_RETRY_BASE_SECONDS: '0.2',
};
const LOAD_MS = 12_000;
const KILL_AFTER_MS = 5_000;
/** The kill lands in a burst of concurrent requests, a third of them on the killed instance. */
const BURST = 24;
const RATE = 30;
const DRAFTS = 6;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Three service processes on one database behind HAProxy, one of them killed (SIGKILL) under
 * mixed keyed load. A client resends a request with the same Idempotency-Key after an error or
 * no answer: every acknowledged write is kept, every key takes effect once, and every scheduled
 * item (draft expiry, overdue escalation, webhook delivery) takes effect once.
 */
describe('three instances behind HAProxy, one killed', () => {
  let db: TestDatabase;
  let hook: Receiver;
  let balancer: Balancer | undefined;
  const services: ServiceProcess[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    hook = await startReceiver();
    services.push(...(await Promise.all([1, 2, 3].map(() => startService(db.url, ENV)))));
    balancer = await startHaproxy(services.map((s) => s.url));
  });
  afterAll(async () => {
    await balancer?.stop();
    for (const service of services) await service.kill();
    await hook?.close();
    await db?.drop();
  });

  it('keeps every acknowledged write and applies each key and each due item once', async () => {
    const lb = balancer!.url;
    const who = await principals();
    const endpoint = await send(lb, {
      method: 'POST',
      path: '/v1/webhook-endpoints',
      auth: who.system,
      body: { url: hook.url, events: EVENT_TYPES },
    });
    expect(endpoint.status).toBe(201);

    // Drafts left untouched, then aged past DRAFT_EXPIRY_DAYS: the schedulers expire them.
    const drafts: Journey[] = [];
    for (let i = 0; i < DRAFTS; i++) {
      const draft = new Journey(who, who.customers[i % who.customers.length]);
      while (draft.current !== 'submit') draft.record(await send(lb, draft.nextCall()));
      drafts.push(draft);
    }
    await query(
      db.directUrl,
      `UPDATE refunds SET draft_touched_at = now() - interval '2 days' WHERE id = ANY($1::uuid[])`,
      [drafts.map((d) => d.refundId)],
    );

    const load = new MixedLoad([lb], who, 16);
    const stopAt = Date.now() + LOAD_MS;
    const killed = services[1];
    const kill = sleep(KILL_AFTER_MS).then(async () => {
      const burst = Promise.all(Array.from({ length: BURST }, () => load.next()));
      await sleep(30);
      await killed.kill();
      await burst;
    });
    await steady(
      RATE,
      () => Date.now() >= stopAt,
      () => load.next(),
    );
    await kill;

    // A client resends each unanswered step, same key and body, until it completes. A step the
    // killed instance was running left no key (it is written with the answer, at the commit).
    const waiting = load.journeys.filter((j) => j.waiting);
    const retries: Outcome[] = [];
    const deadline = Date.now() + 45_000;
    while (waiting.some((j) => j.waiting) && Date.now() < deadline) {
      for (const journey of waiting.filter((j) => j.waiting)) {
        const o = await send(lb, journey.nextCall());
        retries.push(o);
        journey.record(o);
      }
      if (waiting.some((j) => j.waiting)) await sleep(1_000);
    }

    await schedulersCaughtUp(db.url, { escalationMs: 20_000, deliveryMs: 30_000 });

    const all = [...load.outcomes, ...retries];
    const byKey = new Map<string, Outcome[]>();
    for (const o of all) {
      if (o.call.key) byKey.set(o.call.key, [...(byKey.get(o.call.key) ?? []), o]);
    }
    const resent = [...byKey.values()].filter((outcomes) => outcomes.length > 1);
    const expired = await eventsPerRefund(db.url, 'expire');
    const escalations = await eventsPerRefund(db.url, 'escalate');
    const deliveries = await query<{ event_id: string; attempts: number }>(
      db.url,
      'SELECT event_id::text, attempt_count AS attempts FROM webhook_deliveries',
    );
    const events = await query<{ id: string }>(db.url, 'SELECT id::text FROM events');
    const ackCount = acknowledgements(hook.acknowledged());
    const report = {
      requests: load.outcomes.length,
      byStatus: tally(load.outcomes),
      retries: retries.length,
      retriesByStatus: tally(retries),
      keysResent: resent.length,
      replayed: all.filter((o) => o.replayed).length,
      refunds: load.journeys.filter((j) => j.refundId).length,
      expiredDrafts: expired.length,
      escalatedRefunds: escalations.length,
      events: events.length,
      webhookRequests: hook.received.length,
      eventsAcknowledgedTwice: [...ackCount.values()].filter((n) => n > 1).length,
    };
    console.log(`behind HAProxy:\n${JSON.stringify(report, null, 2)}`);

    // The kill is seen: the requests it cut answered 502 or nothing; nothing else went wrong,
    // and meanwhile a resent key only ever heard "in progress, retry".
    expect(killed.child.signalCode).toBe('SIGKILL');
    const failed = all.filter((o) => o.status < 200 || o.status >= 300);
    expect(failed.filter((o) => o.status === 502 || o.status === 0).length).toBeGreaterThan(0);
    expect(
      failed
        .filter((o) => ![0, 502, 503].includes(o.status))
        .filter((o) => o.code !== 'IDEMPOTENCY_KEY_IN_PROGRESS')
        .map((o) => `${o.call.method} ${o.call.path} ${o.status} ${o.code}`),
    ).toEqual([]);
    expect(waiting.filter((j) => j.waiting).map((j) => j.nextCall().path)).toEqual([]);

    // Every acknowledged write is in the database.
    const journeys = [...load.journeys, ...drafts];
    const paid = journeys.filter((j) => j.current !== 'pay').map((j) => j.transactionId);
    const payments = await query<{ n: number }>(
      db.url,
      'SELECT count(*)::int AS n FROM transactions WHERE id = ANY($1)',
      [paid],
    );
    expect(payments[0].n).toBe(paid.length);
    const withRefund = journeys.filter((j) => j.refundId);
    const rows = await query<{ id: string; version: number }>(
      db.url,
      'SELECT id::text, version FROM refunds WHERE id = ANY($1::uuid[])',
      [withRefund.map((j) => j.refundId)],
    );
    const version = new Map(rows.map((r) => [r.id, r.version]));
    expect(withRefund.filter((j) => (version.get(j.refundId!) ?? 0) < j.ackedVersion)).toEqual([]);

    // Each key took effect once: one refund per payment, each action once per refund, and
    // every 2xx for a key is its first answer (the others replay it).
    expect(
      await query(
        db.url,
        'SELECT transaction_id FROM refunds GROUP BY transaction_id HAVING count(*) > 1',
      ),
    ).toEqual([]);
    expect(
      await query(
        db.url,
        `SELECT refund_id, action FROM refund_events WHERE action <> 'escalate'
          GROUP BY 1, 2 HAVING count(*) > 1`,
      ),
    ).toEqual([]);
    for (const outcomes of resent) {
      const answered = outcomes.filter((o) => o.status >= 200 && o.status < 300);
      expect(answered.filter((o) => !o.replayed).length).toBeLessThanOrEqual(1);
      expect(answered.filter((o) => !isDeepStrictEqual(o.body, answered[0].body))).toEqual([]);
    }

    // Each due item took effect once: every aged draft expired once, every overdue review
    // escalated once, every event acknowledged, and twice only when a second attempt was made.
    expect(expired.map((e) => e.refund_id).sort()).toEqual(drafts.map((d) => d.refundId).sort());
    expect(expired.filter((e) => e.n !== 1)).toEqual([]);
    expect(escalations.length).toBeGreaterThan(0);
    expect(escalations.filter((e) => e.n !== 1)).toEqual([]);
    expect(events.filter((e) => !ackCount.has(e.id))).toEqual([]);
    expect(deliveries.filter((d) => (ackCount.get(d.event_id) ?? 0) > d.attempts)).toEqual([]);
    expect(await brokenInvariants(db.url)).toEqual({});
  });
});
