import { compiledOnce } from '../apps/api/src/database/compiled-once';
import {
  createDatabase,
  createPool,
  type Database,
  POOL_SIZE,
} from '../apps/api/src/database/database';
import { startTestApp, TestApp } from './support/app';
import { createTestDatabase, TestDatabase } from './support/database';
import { stopScheduler } from './support/cases';
import { refundIn } from './support/fixtures';

/**
 * The hot queries as named prepared statements (DATABASE_PREPARED_STATEMENTS): the same answers
 * as without them, and a migration that changes a prepared statement's result columns fails the
 * request that finds it (503, retry); every connection prepared before it is then replaced.
 */
describe('prepared statements', () => {
  // Two instances on one database, one preparing its hot queries, one not; both connect to the
  // server directly (a PgBouncer 1.18 in transaction mode would not carry prepared statements).
  let db: TestDatabase;
  let prepared: TestApp;
  let unnamed: TestApp;

  beforeAll(async () => {
    db = await createTestDatabase();
    const direct = { database: db, reach: () => db.directUrl };
    prepared = await startTestApp({ DATABASE_PREPARED_STATEMENTS: 'true' }, direct);
    unnamed = await startTestApp({ DATABASE_PREPARED_STATEMENTS: 'false' }, direct);
    // No job's statement may find a stale prepared statement before the requests do (its
    // refusal would retire the connections first, and no request would fail).
    await stopScheduler(prepared.app);
    await stopScheduler(unnamed.app);
  });

  afterAll(async () => {
    await unnamed?.close();
    await prepared?.close();
    await db?.drop();
  });

  /** GET the refund on every pooled connection at once; the statuses. */
  async function readAll(t: TestApp, id: string, auth: string): Promise<number[]> {
    const answers = await Promise.all(
      Array.from({ length: POOL_SIZE * 2 }, () =>
        t.http.get(`/v1/refunds/${id}`).set('Authorization', auth),
      ),
    );
    return answers.map((answer) => answer.status);
  }

  it('answers as the unnamed statements do', async () => {
    expect(prepared.config.databasePreparedStatements).toBe(true);
    expect(unnamed.config.databasePreparedStatements).toBe(false);
    const id = await refundIn(prepared, 'SUBMITTED');
    const auth = await prepared.bearer('customer', 'cus-1');
    const [first, second] = await Promise.all(
      [prepared, unnamed].map((t) => t.http.get(`/v1/refunds/${id}`).set('Authorization', auth)),
    );
    expect(first.status).toBe(200);
    expect(first.body).toEqual(second.body);
  });

  it('recovers from a migration that adds a column: only the request that finds it fails', async () => {
    const id = await refundIn(prepared, 'SUBMITTED');
    const auth = await prepared.bearer('customer', 'cus-1');
    expect(await readAll(prepared, id, auth)).toEqual(Array(POOL_SIZE * 2).fill(200));

    await prepared.query('ALTER TABLE refunds ADD COLUMN prepared_probe integer');

    // The connections that read the refund hold the old statement: the requests that find one
    // fail (503, retry; those in flight at once, so between one and the pool's size)...
    const after = await readAll(prepared, id, auth);
    const failed = after.filter((status) => status !== 200);
    expect(failed.length).toBeGreaterThanOrEqual(1);
    expect(failed.length).toBeLessThanOrEqual(POOL_SIZE);
    expect(failed).toEqual(Array(failed.length).fill(503));
    // ...and the first refusal retires every connection prepared before the migration: those
    // still idle, which hold the old statement too, send it unnamed and are replaced, so nothing
    // fails later.
    expect(await readAll(prepared, id, auth)).toEqual(Array(POOL_SIZE * 2).fill(200));
    expect(await readAll(prepared, id, auth)).toEqual(Array(POOL_SIZE * 2).fill(200));
    // Unnamed statements are planned afresh each time: nothing to recover from.
    expect(await readAll(unnamed, id, auth)).toEqual(Array(POOL_SIZE * 2).fill(200));
  });

  it('retires every connection that prepared before a migration, at the first refusal', async () => {
    // Two connections of a pool of its own, held at once, both holding the same prepared read.
    const pool = createPool(db.directUrl, () => undefined, { preparedStatements: true });
    const kysely = createDatabase(pool);
    const read = compiledOnce((d: Database, args: { id: string }) =>
      d.selectFrom('refunds').selectAll().where('id', '=', args.id),
    );
    const id = await refundIn(prepared, 'SUBMITTED');
    try {
      await kysely.connection().execute((first) =>
        kysely.connection().execute(async (second) => {
          expect(await read(first, { id })).toHaveLength(1);
          expect(await read(second, { id })).toHaveLength(1);
          await prepared.query('ALTER TABLE refunds ADD COLUMN retire_probe integer');
          // The first to run it is refused ("cached plan must not change result type")...
          await expect(read(first, { id })).rejects.toMatchObject({ code: '0A000' });
          // ...and the other, retired with it, sends it unnamed from then on: no second failure.
          expect(await read(second, { id })).toEqual([
            expect.objectContaining({ id, retireProbe: null }),
          ]);
        }),
      );
      // Both were closed when they came back to the pool.
      expect(pool.totalCount).toBe(0);
    } finally {
      await kysely.destroy();
    }
  });
});
