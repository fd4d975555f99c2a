import { TransactionHost } from '@nestjs-cls/transactional';
import { sql } from 'kysely';
import { Client } from 'pg';
import { createHash } from 'node:crypto';
import { Socket } from 'node:net';
import { AppConfig } from '../apps/api/src/config/app-config';
import {
  createDatabase,
  createPool,
  type Database,
  type KyselyTransactionalAdapter,
  rowMapping,
} from '../apps/api/src/database/database';
import { compiledOnce } from '../apps/api/src/database/compiled-once';
import { FINAL_STATEMENT, SENT_WITH_NEXT } from '../apps/api/src/database/unit-of-work';
import { isDatabaseUnavailable } from '../apps/api/src/errors/problem';
import { RefundsRepository } from '../apps/api/src/refunds/refunds.repository';
import { startTestApp, TestApp } from './support/app';
import { stopScheduler } from './support/cases';

/**
 * The pool's connections hold a unit of work's BEGIN (and a lock marked to go with the next
 * statement) until its first statement, and send them with it: in one message when that
 * statement has no parameters, in the same write otherwise, and not at all when the unit of work
 * ends before any statement. They send COMMIT right behind the final statement, which the server
 * ends before the client would stop waiting (`database/database.ts`).
 */
describe('unit of work: BEGIN goes with the first statement, COMMIT with the final one', () => {
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

  const advisoryLocks = () =>
    t.query(
      `SELECT 1 FROM pg_locks
        WHERE locktype = 'advisory' AND granted AND pid <> pg_backend_pid()
          AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
    );

  /**
   * The error of the unit of work `work`, which waits for an advisory lock (`keys`) that another
   * session holds past the server's bound on a statement.
   */
  const failureWhileHeld = async (keys: [number, number], work: () => Promise<unknown>) => {
    const holder = new Client({ connectionString: t.db.directUrl });
    await holder.connect();
    try {
      await holder.query('SELECT pg_advisory_lock($1::int, $2::int)', keys);
      return (await txHost.withTransaction(work).catch((e: unknown) => e)) as Error & {
        code?: string;
      };
    } finally {
      await holder.end();
    }
  };

  it('holds a lock marked to go with the next statement until that one, then sends both with BEGIN', async () => {
    await txHost.withTransaction(async () => {
      await t.app.get(RefundsRepository).lockCustomerQuotas('cus-unit-of-work');
      expect(await inTransaction()).toEqual([]);
      expect(await advisoryLocks()).toHaveLength(0);
      await sql`SELECT 1`.execute(txHost.tx);
      expect(await inTransaction()).toEqual([{ query: 'SELECT 1' }]);
      expect(await advisoryLocks()).toHaveLength(1);
    });
    expect(await advisoryLocks()).toHaveLength(0);
    expect(await inTransaction()).toEqual([]);
  });

  it('does not let the next statement run on its own when a marked statement fails to parse', async () => {
    const id = `TX-uow-bad-mark-${Date.now()}`;
    await expect(
      txHost.withTransaction(async () => {
        await sql.raw(`${SENT_WITH_NEXT} SELEC 1`).execute(txHost.tx);
        await insertPayment(id);
      }),
    ).rejects.toThrow(/syntax error/);
    expect(await paymentCount(id)).toBe(0);
    expect(await inTransaction()).toEqual([]);
  });

  it('sends a marked lock with the next statement when that one has parameters, and holds it until COMMIT', async () => {
    const id = `TX-uow-lock-${Date.now()}`;
    await txHost.withTransaction(async () => {
      await t.app.get(RefundsRepository).lockCustomerQuotas('cus-unit-of-work-2');
      await insertPayment(id);
      expect(await inTransaction()).toEqual([
        { query: expect.stringMatching(/^INSERT INTO transactions/) },
      ]);
      expect(await advisoryLocks()).toHaveLength(1);
    });
    expect(await advisoryLocks()).toHaveLength(0);
    expect(await paymentCount(id)).toBe(1);
  });

  it("gives the next statement's caller the marked lock's error, and writes nothing, when the server ends the lock's wait", async () => {
    // Another session holds the customer's quota lock (the same keys) past the server's bound.
    const id = `TX-uow-lock-wait-${Date.now()}`;
    const key = createHash('sha256').update('cus-unit-of-work-wait').digest().readInt32BE(0);
    const error = await failureWhileHeld([0x71756f74, key], async () => {
      await t.app.get(RefundsRepository).lockCustomerQuotas('cus-unit-of-work-wait');
      await insertPayment(id);
    });
    // The lock's own error (the server's time-out), not the aborted transaction's (25P02).
    expect(error.code).toBe('57014');
    expect(isDatabaseUnavailable(error)).toBe(true);
    expect(await paymentCount(id)).toBe(0);
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
      await insertPayment(`${id}-first`);
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
    expect(await paymentCount(`${id}-first`)).toBe(0);
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

  /** The unit of work's final statement (`unit-of-work.ts`): its text starts with the mark. */
  const finalStatement = (statement: string) => sql.raw(`${FINAL_STATEMENT} ${statement}`);

  /**
   * Runs `work` as a unit of work on a pool of its own that notes when a COMMIT is written, and
   * when the final statement (`work`'s last) is answered; what it noted, in order.
   */
  async function commitAndAnswer(work: (trx: Database) => Promise<unknown>): Promise<string[]> {
    const pool = createPool(t.db.directUrl, () => undefined);
    const kysely = createDatabase(pool);
    const seen: string[] = [];
    pool.on('connect', (client) => {
      const stream = (client as unknown as { connection: { stream: Socket } }).connection.stream;
      stream.write = (chunk: Buffer): boolean => {
        if (chunk.includes('COMMIT')) seen.push('COMMIT sent');
        return Socket.prototype.write.call(stream, chunk);
      };
    });
    try {
      await kysely.transaction().execute(async (trx) => {
        await work(trx);
        seen.push('final statement answered');
      });
    } finally {
      await pool.end();
    }
    return seen;
  }

  it('sends COMMIT right behind the final statement, before its answer, and commits', async () => {
    const id = `TX-uow-final-${Date.now()}`;
    const seen = await commitAndAnswer(async (trx) => {
      await sql`INSERT INTO transactions (id, customer_id, merchant_id, amount, currency, paid_at)
                VALUES (${id}, 'cus-1', 'mer-1', 100, 'IDR', now())`.execute(trx);
      await finalStatement('SELECT pg_sleep(0.2)').execute(trx);
    });
    expect(seen).toEqual(['COMMIT sent', 'final statement answered']);
    expect(await paymentCount(id)).toBe(1);
  });

  it('waits for the final statement before COMMIT when a lock went ahead of it', async () => {
    const seen = await commitAndAnswer(async (trx) => {
      await sql.raw(`${SENT_WITH_NEXT} SELECT pg_advisory_xact_lock(4243, 1)`).execute(trx);
      await finalStatement('SELECT pg_sleep(0.2)').execute(trx);
    });
    expect(seen).toEqual(['final statement answered', 'COMMIT sent']);
  });

  it('waits for the final statement before COMMIT when an earlier statement is still unanswered', async () => {
    // On the connection itself, as compiled queries reach it (not queued one at a time by Kysely).
    const pool = createPool(t.db.directUrl, () => undefined);
    const seen: string[] = [];
    try {
      const client = await pool.connect();
      const stream = (client as unknown as { connection: { stream: Socket } }).connection.stream;
      stream.write = (chunk: Buffer): boolean => {
        if (chunk.includes('COMMIT')) seen.push('COMMIT sent');
        return Socket.prototype.write.call(stream, chunk);
      };
      await client.query('begin');
      const earlier = client.query('SELECT pg_sleep(0.2)', []);
      await client.query(`${FINAL_STATEMENT} SELECT 1`, []);
      seen.push('final statement answered');
      await earlier;
      await client.query('commit');
      client.release();
    } finally {
      await pool.end();
    }
    expect(seen).toEqual(['final statement answered', 'COMMIT sent']);
  });

  it('rolls back when the final statement fails, and the connection serves the next unit of work', async () => {
    const id = `TX-uow-final-fails-${Date.now()}`;
    await expect(
      txHost.withTransaction(async () => {
        await insertPayment(id);
        await finalStatement('SELECT 1 / 0').execute(txHost.tx);
      }),
    ).rejects.toThrow('division by zero');
    expect(await paymentCount(id)).toBe(0);
    const ids = Array.from({ length: 10 }, (_, n) => `TX-uow-after-final-${n}-${Date.now()}`);
    await Promise.all(ids.map((next) => txHost.withTransaction(() => insertPayment(next))));
    for (const next of ids) expect(await paymentCount(next)).toBe(1);
    expect(await inTransaction()).toEqual([]);
  });

  it('commits nothing when the server ends a final statement the client would stop waiting for', async () => {
    // The final statement waits for a lock another session holds past both time-outs: the
    // server's (2 s) cancels it before the client's (2.5 s) gives up, so the COMMIT written
    // behind it finds the transaction aborted and rolls it back.
    const id = `TX-uow-final-slow-${Date.now()}`;
    const error = await failureWhileHeld([4242, 1], async () => {
      await insertPayment(id);
      await finalStatement('SELECT pg_advisory_xact_lock(4242, 1)').execute(txHost.tx);
    });
    expect(error.code).toBe('57014');
    expect(isDatabaseUnavailable(error)).toBe(true);
    expect(await paymentCount(id)).toBe(0);
    expect(await inTransaction()).toEqual([]);
  }, 15_000);

  it('sends neither a final statement whose values pg cannot encode nor its COMMIT', async () => {
    const id = `TX-uow-final-encode-${Date.now()}`;
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    await expect(
      txHost.withTransaction(async () => {
        await insertPayment(id);
        await sql`${sql.raw(FINAL_STATEMENT)} SELECT ${circular}::json`.execute(txHost.tx);
      }),
    ).rejects.toThrow(/circular/i);
    expect(await paymentCount(id)).toBe(0);
    const ids = Array.from({ length: 10 }, (_, n) => `TX-uow-after-encode-${n}-${Date.now()}`);
    await Promise.all(ids.map((next) => txHost.withTransaction(() => insertPayment(next))));
    for (const next of ids) expect(await paymentCount(next)).toBe(1);
  });

  it('sends no COMMIT with a final statement outside a unit of work', async () => {
    // On every pooled connection at once; a COMMIT sent there would be taken later for the
    // COMMIT of another unit of work, which would then never be sent.
    await Promise.all(
      Array.from({ length: 10 }, () => finalStatement('SELECT pg_sleep(0.05)').execute(txHost.tx)),
    );
    const ids = Array.from({ length: 10 }, (_, n) => `TX-uow-after-outside-${n}-${Date.now()}`);
    await Promise.all(ids.map((next) => txHost.withTransaction(() => insertPayment(next))));
    for (const next of ids) expect(await paymentCount(next)).toBe(1);
    expect(await inTransaction()).toEqual([]);
  });

  /** A compiled query (sent to the connection directly, not through Kysely's executor). */
  const paymentOwner = compiledOnce((db: Database, args: { id: string }) =>
    db.selectFrom('transactions').select(['customerId', 'heldAmount']).where('id', '=', args.id),
  );

  it("runs a compiled query on its unit of work's connection, with the rows mapped as Kysely's", async () => {
    const id = `TX-uow-direct-${Date.now()}`;
    const seen = await txHost.withTransaction(async () => {
      await insertPayment(id);
      const throughKysely = jest.spyOn(txHost.tx, 'executeQuery');
      // Uncommitted: only the unit of work's own connection sees the payment.
      const rows = await paymentOwner(txHost.tx, { id });
      expect(throughKysely).not.toHaveBeenCalled();
      return rows;
    });
    expect(seen).toEqual([{ customerId: 'cus-1', heldAmount: 0n }]);
    // Outside a unit of work, on a connection of its own.
    expect(await paymentOwner(txHost.tx, { id })).toEqual([
      { customerId: 'cus-1', heldAmount: 0n },
    ]);
  });

  /** A row with a column of each kind the row mapping treats apart (json, an array, a timestamp). */
  const columnsOfEachKind = (id: unknown) =>
    sql<Record<string, unknown>>`SELECT ${id}::text AS refund_id, 5::int8 AS held_amount,
      '2026-12-01 10:00:00.5+00'::timestamptz AS created_at, NULL::text AS note_text,
      '{"negotiation_notes": [{"said_by": "merchant"}, 3]}'::jsonb AS details,
      ARRAY['a_b'] AS text_list, '[{"deep_key": 1}]'::json AS json_list`;
  const prepared = compiledOnce((_db: Database, args: { id: string }) =>
    columnsOfEachKind(args.id),
  );

  it("gives a prepared statement's rows the form Kysely's plugin gives the same row, json included", async () => {
    // Sent unnamed (its text is not a compiled one), its rows mapped by the plugin afterwards.
    const { rows: mappedAfter } = await sql`${columnsOfEachKind('r-1')} -- unnamed`.execute(
      txHost.tx,
    );
    const expected = {
      refundId: 'r-1',
      heldAmount: 5n,
      createdAt: new Date('2026-12-01T10:00:00.500Z'),
      noteText: null,
      details: { negotiationNotes: [{ saidBy: 'merchant' }, 3] },
      textList: ['a_b'],
      jsonList: [{ deepKey: 1 }],
    };
    expect(mappedAfter).toEqual([expected]);
    // Twice on the pool (the statement's columns are then known), and in a unit of work. As a
    // prepared statement its rows are built mapped; sent unnamed (behind a transaction pooler),
    // they are mapped afterwards.
    const mappedLater = jest.spyOn(rowMapping, 'map');
    try {
      for (const rows of [
        await prepared(txHost.tx, { id: 'r-1' }),
        await prepared(txHost.tx, { id: 'r-1' }),
        await txHost.withTransaction(() => prepared(txHost.tx, { id: 'r-1' })),
      ]) {
        expect(rows).toEqual([expected]);
        expect(Object.keys(rows[0])).toEqual(Object.keys(expected));
      }
      expect(mappedLater).toHaveBeenCalledTimes(
        t.app.get(AppConfig).databasePreparedStatements ? 0 : 3,
      );
    } finally {
      mappedLater.mockRestore();
    }
  });

  it('refuses a compiled query on a unit of work that has ended, rather than run it on a pooled connection', async () => {
    let ended: Database | undefined;
    await txHost.withTransaction(() => {
      ended = txHost.tx;
      return Promise.resolve();
    });
    await expect(paymentOwner(ended!, { id: 'TX-none' })).rejects.toThrow(/committed/);
    expect(await inTransaction()).toEqual([]);
  });
});
