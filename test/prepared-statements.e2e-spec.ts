import { POOL_SIZE } from '../apps/api/src/database/database';
import { startTestApp, TestApp } from './support/app';
import { createTestDatabase, TestDatabase } from './support/database';
import { refundIn } from './support/fixtures';

/**
 * The hot queries as named prepared statements (DATABASE_PREPARED_STATEMENTS): the same answers
 * as without them, and a migration that changes a prepared statement's result columns costs each
 * connection one failed request at most (503, retry) before a fresh one prepares the new shape.
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

  it('recovers from a migration that adds a column: one failed request per connection at most', async () => {
    const id = await refundIn(prepared, 'SUBMITTED');
    const auth = await prepared.bearer('customer', 'cus-1');
    expect(await readAll(prepared, id, auth)).toEqual(Array(POOL_SIZE * 2).fill(200));

    await prepared.query('ALTER TABLE refunds ADD COLUMN prepared_probe integer');

    const after = await readAll(prepared, id, auth);
    // The refusal is the evidence the read was prepared; the answer says to retry.
    const failed = after.filter((status) => status !== 200);
    expect(failed.length).toBeGreaterThanOrEqual(1);
    expect(failed.length).toBeLessThanOrEqual(POOL_SIZE);
    expect(new Set(failed)).toEqual(new Set([503]));
    expect(await readAll(prepared, id, auth)).toEqual(Array(POOL_SIZE * 2).fill(200));
    // Unnamed statements are planned afresh each time: nothing to recover from.
    expect(await readAll(unnamed, id, auth)).toEqual(Array(POOL_SIZE * 2).fill(200));
  });
});
