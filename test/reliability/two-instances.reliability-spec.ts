import { EVENT_TYPES } from '../../apps/api/src/events/event-types';
import { createTestDatabase, TestDatabase } from '../support/database';
import { startReceiver, Receiver } from '../support/webhook-receiver';
import {
  acknowledgements,
  brokenInvariants,
  eventsPerRefund,
  query,
  schedulersCaughtUp,
} from './support/invariants';
import { MixedLoad, principals, send, steady, tally } from './support/load';
import { startService, ServiceProcess } from '../support/service-process';

/** Both schedulers scan every second, and every submitted refund is overdue at once. */
const ENV = {
  SLA_CHECK_INTERVAL_SECONDS: '1',
  REVIEW_SLA_BUSINESS_DAYS: '0',
  WEBHOOK_ALLOW_PRIVATE_URLS: 'true',
  WEBHOOK_TIMEOUT_SECONDS: '2',
  WEBHOOK_RETRY_BASE_SECONDS: '0.2',
};
const LOAD_MS = 12_000;
const RATE = 30;

/**
 * Two service processes on one database under mixed load, requests alternating between them:
 * the invariants hold, each overdue review is escalated once, and each event reaches the
 * webhook receiver once.
 */
describe('two instances on one database', () => {
  let db: TestDatabase;
  let hook: Receiver;
  const services: ServiceProcess[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    hook = await startReceiver();
    services.push(...(await Promise.all([startService(db.url, ENV), startService(db.url, ENV)])));
  });
  afterAll(async () => {
    for (const service of services) await service.kill();
    await hook.close();
    await db.drop();
  });

  it('escalates each overdue refund once and delivers each event once', async () => {
    const who = await principals();
    const endpoint = await send(services[0].url, {
      method: 'POST',
      path: '/v1/webhook-endpoints',
      auth: who.system,
      body: { url: hook.url, events: EVENT_TYPES },
    });
    expect(endpoint.status).toBe(201);

    const load = new MixedLoad(
      services.map((s) => s.url),
      who,
      16,
    );
    const stopAt = Date.now() + LOAD_MS;
    await steady(
      RATE,
      () => Date.now() >= stopAt,
      () => load.next(),
    );

    // Both schedulers catch up: every overdue review escalated, every delivery made.
    await schedulersCaughtUp(db.url, { escalationMs: 30_000, deliveryMs: 60_000 });

    const escalations = await eventsPerRefund(db.url, 'escalate');
    const overdueCases = await query<{ refund_id: string; n: number }>(
      db.url,
      `SELECT refund_id::text, count(*)::int AS n FROM support_cases
        WHERE reason = 'REVIEW_OVERDUE' GROUP BY refund_id`,
    );
    const events = await query<{ id: string }>(db.url, 'SELECT id::text FROM events');
    const acknowledged = hook.acknowledged();
    const ackCount = acknowledgements(acknowledged);
    const report = {
      requests: load.outcomes.length,
      byStatus: tally(load.outcomes),
      perInstance: services.map((s) => load.outcomes.filter((o) => o.base === s.url).length),
      refunds: load.journeys.filter((j) => j.refundId).length,
      escalatedRefunds: escalations.length,
      overdueCases: overdueCases.length,
      events: events.length,
      webhookRequests: hook.received.length,
      acknowledged: acknowledged.length,
    };
    console.log(`two instances:\n${JSON.stringify(report, null, 2)}`);

    expect(load.outcomes.filter((o) => o.status < 200 || o.status >= 300)).toEqual([]);
    expect(escalations.length).toBeGreaterThan(0);
    expect(escalations.filter((e) => e.n !== 1)).toEqual([]);
    expect(overdueCases.filter((c) => c.n !== 1)).toEqual([]);
    expect(new Set(overdueCases.map((c) => c.refund_id))).toEqual(
      new Set(escalations.map((e) => e.refund_id)),
    );
    // Each event acknowledged exactly once; any repeat carries an id the receiver knows.
    expect(events.filter((e) => ackCount.get(e.id) !== 1)).toEqual([]);
    expect(acknowledged).toHaveLength(events.length);
    expect(await brokenInvariants(db.url)).toEqual({});
  });
});
