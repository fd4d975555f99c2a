import { TransactionHost } from '@nestjs-cls/transactional';
import { sql } from 'kysely';
import type { KyselyTransactionalAdapter } from '../apps/api/src/database/database';
import { isDatabaseUnavailable } from '../apps/api/src/errors/problem';
import { RefundsRepository } from '../apps/api/src/refunds/refunds.repository';
import { startTestApp, TestApp } from './support/app';
import { stopScheduler } from './support/cases';

/**
 * The pool's connections hold a unit of work's BEGIN until its first statement: with it in one
 * message when that statement has no parameters, just before it otherwise, and not at all when
 * the unit of work ends before any statement (`database/database.ts`).
 */
describe('unit of work: BEGIN goes with the first statement', () => {
  let t: TestApp;
  let txHost: TransactionHost<KyselyTransactionalAdapter>;

  beforeAll(async () => {
    t = await startTestApp();
    await stopScheduler(t.app);
    txHost = t.app.get<TransactionHost<KyselyTransactionalAdapter>>(TransactionHost);
  });
  afterAll(() => t.close());

  /** The app's sessions that are inside a transaction, as another session sees them. */
  const inTransaction = () =>
    t.query<{ query: string }>(
      `SELECT query FROM pg_stat_activity
        WHERE datname = current_database() AND state = 'idle in transaction'`,
    );
  /** A payment written by the current unit of work (a statement with parameters). */
  const insertPayment = (id: string) =>
    sql`INSERT INTO transactions (id, customer_id, merchant_id, amount, currency, paid_at)
        VALUES (${id}, 'cus-1', 'mer-1', 100, 'IDR', now())`.execute(txHost.tx);
  const paymentCount = async (id: string) =>
    (
      await t.query<{ n: number }>('SELECT count(*)::int AS n FROM transactions WHERE id = $1', [
        id,
      ])
    )[0].n;

  it('sends a first statement without parameters with BEGIN, in one message, and holds its lock until COMMIT', async () => {
    const advisoryLocks = () =>
      t.query(
        `SELECT 1 FROM pg_locks
          WHERE locktype = 'advisory' AND granted
            AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
      );
    await txHost.withTransaction(async () => {
      await t.app.get(RefundsRepository).lockCustomerQuotas('cus-unit-of-work');
      expect(await inTransaction()).toEqual([
        { query: expect.stringMatching(/^BEGIN;\nSELECT pg_advisory_xact_lock\(\d+, -?\d+\)$/) },
      ]);
      expect(await advisoryLocks()).toHaveLength(1);
    });
    expect(await advisoryLocks()).toHaveLength(0);
    expect(await inTransaction()).toEqual([]);
  });

  it('sends BEGIN before a first statement with parameters: the unit of work still rolls back whole', async () => {
    const id = `TX-uow-${Date.now()}`;
    await expect(
      txHost.withTransaction(async () => {
        await insertPayment(id);
        expect(await inTransaction()).toHaveLength(1);
        throw new Error('undo');
      }),
    ).rejects.toThrow('undo');
    expect(await paymentCount(id)).toBe(0);
  });

  it('rolls back when the statement sent with BEGIN fails, and the connection serves the next unit of work', async () => {
    await expect(
      txHost.withTransaction(() => sql`SELECT 1 / 0`.execute(txHost.tx)),
    ).rejects.toThrow('division by zero');
    // Every pooled connection is clean: each of ten units of work (one per connection) commits.
    const ids = Array.from({ length: 10 }, (_, n) => `TX-uow-${n}-${Date.now()}`);
    await Promise.all(ids.map((id) => txHost.withTransaction(() => insertPayment(id))));
    for (const id of ids) expect(await paymentCount(id)).toBe(1);
    expect(await inTransaction()).toEqual([]);
  });

  it("fails with the connection's error when the connection is lost mid-way, not the ROLLBACK's", async () => {
    const id = `TX-uow-lost-${Date.now()}`;
    const lost = txHost.withTransaction(async () => {
      await t.app.get(RefundsRepository).lockCustomerQuotas('cus-unit-of-work-lost');
      await t.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
          WHERE datname = current_database() AND state = 'idle in transaction'`,
      );
      await insertPayment(id);
    });
    // The statement's own error (or the pool's, if it noticed first), never the ROLLBACK's.
    const error = (await lost.catch((e: unknown) => e)) as Error;
    expect(isDatabaseUnavailable(error)).toBe(true);
    expect(error.stack).not.toMatch(/rollbackTransaction/);
    expect(await paymentCount(id)).toBe(0);
    // The pool replaces the lost connection: the next units of work commit.
    const ids = Array.from({ length: 10 }, (_, n) => `TX-uow-after-lost-${n}-${Date.now()}`);
    await Promise.all(ids.map((next) => txHost.withTransaction(() => insertPayment(next))));
    for (const next of ids) expect(await paymentCount(next)).toBe(1);
  });

  it('sends nothing for a unit of work that ends before any statement', async () => {
    await expect(txHost.withTransaction(() => Promise.resolve('done'))).resolves.toBe('done');
    await expect(
      txHost.withTransaction(() => Promise.reject(new Error('before any statement'))),
    ).rejects.toThrow('before any statement');
    expect(await inTransaction()).toEqual([]);
    // And the next unit of work on the pool's connections is a transaction as usual.
    const id = `TX-uow-after-${Date.now()}`;
    await expect(
      txHost.withTransaction(async () => {
        await insertPayment(id);
        throw new Error('undo');
      }),
    ).rejects.toThrow('undo');
    expect(await paymentCount(id)).toBe(0);
  });
});
