import { randomUUID } from 'node:crypto';
import { TransactionHost } from '@nestjs-cls/transactional';
import type { KyselyTransactionalAdapter } from '../apps/api/src/database/database';
import { OutboxRepository } from '../apps/api/src/outbox/outbox.repository';
import { startTestApp, TestApp } from './support/app';
import { stopScheduler } from './support/cases';
import { refundIn } from './support/fixtures';

interface Written {
  type: string;
  refundId: string | null;
  customerId: string;
  merchantId: string | null;
  caseId: string | null;
  data: { run: string; n: number };
  deliveries: number;
}

/**
 * The outbox writes a unit of work's events in one statement at its end: a few from rows of
 * VALUES (a statement per count, so PostgreSQL keeps a generic plan), more unnested from arrays.
 * Both forms must write the same rows, in the order recorded, with their webhook deliveries.
 */
describe('outbox: the events of one unit of work', () => {
  let t: TestApp;
  let refundId: string;

  beforeAll(async () => {
    t = await startTestApp();
    await stopScheduler(t.app);
    refundId = await refundIn(t, 'SUBMITTED');
    await t.query(
      `INSERT INTO webhook_endpoints (id, owner_role, owner_id, url, events, secret)
       VALUES (gen_random_uuid(), 'merchant', 'mer-1', 'https://example.com/hooks', '{refund.*}', 'whsec_x'),
              (gen_random_uuid(), 'system', 'system', 'https://example.com/all', '{*}', 'whsec_y')`,
    );
  });
  afterAll(() => t.close());

  /** Records `count` events (tagged `run`) in one unit of work, a refund's and a customer's in turn. */
  async function recordEvents(run: string, count: number): Promise<void> {
    const txHost = t.app.get<TransactionHost<KyselyTransactionalAdapter>>(TransactionHost);
    const outbox = t.app.get(OutboxRepository);
    await txHost.withTransaction(async () => {
      for (let n = 0; n < count; n++) {
        await outbox.record(
          n % 2 === 0
            ? { type: 'refund.note', refundId, data: { run, n } }
            : { type: 'security-report.filed', customerId: 'cus-7', data: { run, n } },
        );
      }
    });
  }

  /** The events of one run, in the outbox's order. */
  async function written(run: string): Promise<Written[]> {
    return t.query<Written>(
      `SELECT e.type, e.refund_id AS "refundId", e.customer_id AS "customerId",
              e.merchant_id AS "merchantId", e.case_id AS "caseId", e.data,
              (SELECT count(*)::int FROM webhook_deliveries d WHERE d.event_id = e.id) AS deliveries
         FROM events e WHERE e.data->>'run' = $1 ORDER BY e.position`,
      [run],
    );
  }

  /** What `count` recorded events must have written. */
  function expected(run: string, count: number): Written[] {
    return Array.from({ length: count }, (_, n) =>
      n % 2 === 0
        ? {
            type: 'refund.note',
            refundId,
            customerId: 'cus-1',
            merchantId: 'mer-1',
            caseId: null,
            data: { run, n },
            // The merchant's refund.* endpoint and the system's.
            deliveries: 2,
          }
        : {
            type: 'security-report.filed',
            refundId: null,
            customerId: 'cus-7',
            merchantId: null,
            caseId: null,
            data: { run, n },
            // The system's only: a merchant never sees a customer's own events.
            deliveries: 1,
          },
    );
  }

  // 1 to 4 events: rows of VALUES; 5 and 12: arrays. Each count twice (the second run uses the
  // statement the first compiled and prepared).
  it.each([1, 1, 2, 4, 4, 5, 12, 12])(
    'writes %i events in the order recorded, with their deliveries',
    async (count) => {
      const run = randomUUID();
      await recordEvents(run, count);
      expect(await written(run)).toEqual(expected(run, count));
    },
  );
});
