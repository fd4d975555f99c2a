import { createTestDatabase, TestDatabase } from '../support/database';
import { startReceiver, Receiver } from '../support/webhook-receiver';
import { brokenInvariants, query } from './support/invariants';
import { MixedLoad, Outcome, principals, send, steady, tally } from './support/load';
import { startService, ServiceProcess } from '../support/service-process';

const ENV = {
  WEBHOOK_ALLOW_PRIVATE_URLS: 'true',
  WEBHOOK_TIMEOUT_SECONDS: '1',
  WEBHOOK_RETRY_BASE_SECONDS: '0.2',
};
const LOAD_MS = 6_000;
const RATE = 50;
const BURST = 24;
const KILL_AFTER_MS = 30;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * kill -9 in the middle of a load of transitions, then a restart on the same database: the
 * interrupted requests, retried with their Idempotency-Key, complete exactly once, and the
 * refunds, their timelines and the outbox agree.
 */
describe('process crash', () => {
  let db: TestDatabase;
  let hook: Receiver;
  const services: ServiceProcess[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    hook = await startReceiver();
  });
  afterAll(async () => {
    for (const service of services) await service.kill();
    await hook.close();
    await db.drop();
  });

  it('loses nothing and does nothing twice across kill -9 and a restart', async () => {
    const who = await principals();
    const first = await startService(db.url, ENV);
    services.push(first);
    const endpoint = await send(first.url, {
      method: 'POST',
      path: '/v1/webhook-endpoints',
      auth: who.system,
      body: { url: hook.url, events: ['refund.apply', 'refund.submit', 'refund.approve'] },
    });
    expect(endpoint.status).toBe(201);

    const load = new MixedLoad([first.url], who, 24);
    let stop = false;
    const loading = steady(
      RATE,
      () => stop,
      () => load.next(),
    );
    await sleep(LOAD_MS);
    stop = true;
    await loading;
    // The kill lands in a burst of concurrent requests, most of them writes being processed.
    const burst = Promise.all(Array.from({ length: BURST }, () => load.next()));
    await sleep(KILL_AFTER_MS);
    await first.kill();
    const killedAt = Date.now();
    await burst;
    const beforeKill = load.outcomes.length;
    const interrupted = load.outcomes.filter((o) => o.status === 0);

    const second = await startService(db.url, ENV);
    services.push(second);
    const restartMs = Date.now() - killedAt;

    // Every step without an answer is sent again, same key and body, until it completes. A step
    // the killed process was running left no key (it is written with the answer, at the commit).
    const waiting = load.journeys.filter((j) => j.waiting);
    const retries: Outcome[] = [];
    const deadline = Date.now() + 90_000;
    while (waiting.some((j) => j.waiting) && Date.now() < deadline) {
      for (const journey of waiting.filter((j) => j.waiting)) {
        const o = await send(second.url, journey.nextCall());
        retries.push(o);
        journey.record(o);
      }
      if (waiting.some((j) => j.waiting)) await sleep(1_000);
    }
    const retriedAt = Date.now();

    // The outbox: every event reaches the receiver, the killed worker's claims included.
    const events = await query<{ id: string }>(
      db.url,
      `SELECT id::text FROM events WHERE type IN ('refund.apply', 'refund.submit', 'refund.approve')`,
    );
    const acked = () => new Set(hook.acknowledged());
    while (events.some((e) => !acked().has(e.id)) && Date.now() < retriedAt + 60_000) {
      await sleep(500);
    }
    const ids = hook.received.map((r) => r.event.id);
    const report = {
      requestsBeforeKill: beforeKill,
      byStatusBeforeKill: tally(load.outcomes),
      inFlightAtKill: interrupted.length,
      interruptedWrites: interrupted.filter((o) => o.call.method === 'POST').length,
      restartMs,
      journeysWaiting: waiting.length,
      retries: retries.length,
      retriesByStatus: tally(retries),
      retriesReplayed: retries.filter((o) => o.replayed).length,
      retriesTookMs: retriedAt - killedAt - restartMs,
      outboxEvents: events.length,
      webhookRequests: ids.length,
      webhookRepeats: ids.length - new Set(ids).size,
      deliveredAfterMs: Date.now() - retriedAt,
    };
    console.log(`process crash:\n${JSON.stringify(report, null, 2)}`);

    expect(interrupted.length).toBeGreaterThan(0);
    // Each interrupted request completed, and only "in progress, retry" was said meanwhile.
    expect(waiting.filter((j) => j.waiting).map((j) => j.nextCall().path)).toEqual([]);
    const unexpected = retries.filter(
      (o) => (o.status < 200 || o.status >= 300) && o.code !== 'IDEMPOTENCY_KEY_IN_PROGRESS',
    );
    expect(unexpected.map((o) => `${o.call.path} ${o.status} ${o.code}`)).toEqual([]);
    const before = load.outcomes.slice(0, beforeKill);
    expect(before.filter((o) => o.status !== 0 && (o.status < 200 || o.status >= 300))).toEqual([]);

    // Exactly once: one refund per apply (one per payment here), each action once per refund.
    expect(
      await query(
        db.url,
        'SELECT transaction_id FROM refunds GROUP BY transaction_id HAVING count(*) > 1',
      ),
    ).toEqual([]);
    expect(
      await query(
        db.url,
        'SELECT refund_id, action FROM refund_events GROUP BY 1, 2 HAVING count(*) > 1',
      ),
    ).toEqual([]);
    const withRefund = load.journeys.filter((j) => j.refundId);
    const rows = await query<{ id: string; version: number }>(
      db.url,
      'SELECT id::text, version FROM refunds',
    );
    const version = new Map(rows.map((r) => [r.id, r.version]));
    expect(withRefund.filter((j) => version.get(j.refundId!) !== j.ackedVersion)).toEqual([]);
    expect(rows).toHaveLength(withRefund.length);
    expect(await brokenInvariants(db.url)).toEqual({});
    // Every event acknowledged by the receiver; a repeat carries the same id.
    expect(events.filter((e) => !acked().has(e.id))).toEqual([]);
    expect(new Set(ids)).toEqual(new Set(events.map((e) => e.id)));
  });
});
