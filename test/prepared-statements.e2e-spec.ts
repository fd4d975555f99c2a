import { sql } from 'kysely';
import { DATABASE, type Database, POOL_SIZE } from '../apps/api/src/database/database';
import { startTestApp, TestApp } from './support/app';
import { createTestDatabase, TestDatabase } from './support/database';
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
    // The read is prepared on the pool's connections (this one is the last released).
    const { rows } = await sql<{
      name: string;
    }>`SELECT name FROM pg_prepared_statements`.execute(prepared.app.get<Database>(DATABASE));
    expect(rows.map((row) => row.name)).toContainEqual(expect.stringMatching(/^refund_desk_/));

    await prepared.query('ALTER TABLE refunds ADD COLUMN prepared_probe integer');

    // The next request's connection (the last released, which read the refund) holds the old
    // statement: it fails once, answering 503 (retry)...
    const first = await prepared.http.get(`/v1/refunds/${id}`).set('Authorization', auth);
    expect(first.status).toBe(503);
    // ...and retires every connection that prepared before the migration: the idle ones, which
    // hold the old statement too, send it unnamed and are replaced, so nothing else fails.
    expect(await readAll(prepared, id, auth)).toEqual(Array(POOL_SIZE * 2).fill(200));
    expect(await readAll(prepared, id, auth)).toEqual(Array(POOL_SIZE * 2).fill(200));
    // Unnamed statements are planned afresh each time: nothing to recover from.
    expect(await readAll(unnamed, id, auth)).toEqual(Array(POOL_SIZE * 2).fill(200));
  });
});
