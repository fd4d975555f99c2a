import { Client } from 'pg';
import { fingerprint } from '../apps/api/src/idempotency/idempotency.service';
import { startTestApp, TestApp } from './support/app';
import { eventually } from './support/cases';
import { payment } from './support/fixtures';
import { actors, Actors, draft } from './support/refunds';

/**
 * A keyed write records its answer in the transaction that makes its change: if the answer
 * cannot be recorded, the change is not made either. Otherwise a process killed between the
 * commit and the answer leaves the change made and the key unanswered, and a retry runs the
 * request a second time. The failure is forced by a trigger that refuses to record the answer
 * of the key `refuse-the-answer`.
 */
let t: TestApp;
let a: Actors;
let db: Client;

beforeAll(async () => {
  t = await startTestApp();
  a = await actors(t);
  db = new Client({ connectionString: t.db.url });
  await db.connect();
  await db.query(`
    CREATE FUNCTION refuse_the_answer() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF NEW.key = 'refuse-the-answer' AND NEW.response_status IS NOT NULL
         AND NEW.response_status < 400 THEN
        RAISE EXCEPTION 'answer refused by the test';
      END IF;
      RETURN NEW;
    END $$;
    CREATE TRIGGER refuse_the_answer BEFORE INSERT OR UPDATE ON idempotency_keys
      FOR EACH ROW EXECUTE FUNCTION refuse_the_answer();`);
});
afterAll(async () => {
  await db.end();
  await t.close();
});

const count = async (sql: string, values: unknown[]) =>
  Number((await db.query<{ n: string }>(sql, values)).rows[0].n);

describe('a keyed write whose answer cannot be recorded changes nothing', () => {
  it('apply', async () => {
    const before = await count('SELECT count(*) AS n FROM refunds', []);
    const { transactionId } = await draft(t, a);
    const res = await t.http
      .post('/v1/refunds')
      .set('Authorization', a.customer)
      .set('Idempotency-Key', 'refuse-the-answer')
      .send({ transactionId, amount: 1000, reasonCode: 'NOT_RECEIVED' });
    expect(res.status).toBe(500);
    expect(await count('SELECT count(*) AS n FROM refunds', [])).toBe(before + 1);
  });

  it('escalate: no timeline event, no case, no outbox event', async () => {
    const { id } = await draft(t, a);
    const res = await t.http
      .post(`/v1/refunds/${id}/escalate`)
      .set('Authorization', a.customer)
      .set('Idempotency-Key', 'refuse-the-answer')
      .send({ message: 'Please call me back.' });
    expect(res.status).toBe(500);
    expect(await count('SELECT count(*) AS n FROM support_cases WHERE refund_id = $1', [id])).toBe(
      0,
    );
    expect(
      await count(
        `SELECT count(*) AS n FROM refund_events WHERE refund_id = $1 AND action = 'escalate'`,
        [id],
      ),
    ).toBe(0);
    expect(
      await count(`SELECT count(*) AS n FROM events WHERE refund_id = $1 AND type LIKE 'case.%'`, [
        id,
      ]),
    ).toBe(0);

    // The same key may then be retried, and runs once.
    await db.query('DROP TRIGGER refuse_the_answer ON idempotency_keys');
    try {
      const retried = await t.http
        .post(`/v1/refunds/${id}/escalate`)
        .set('Authorization', a.customer)
        .set('Idempotency-Key', 'refuse-the-answer')
        .send({ message: 'Please call me back.' });
      expect(retried.status).toBe(201);
      expect(
        await count('SELECT count(*) AS n FROM support_cases WHERE refund_id = $1', [id]),
      ).toBe(1);
    } finally {
      await db.query(`CREATE TRIGGER refuse_the_answer BEFORE INSERT OR UPDATE ON idempotency_keys
        FOR EACH ROW EXECUTE FUNCTION refuse_the_answer()`);
    }
  });

  it('a message on a case', async () => {
    const { id } = await draft(t, a);
    const opened = await t.http
      .post(`/v1/refunds/${id}/escalate`)
      .set('Authorization', a.customer)
      .send({ message: 'Hello?' });
    const caseId = opened.body.id as string;
    const res = await t.http
      .post(`/v1/cases/${caseId}/messages`)
      .set('Authorization', a.agent)
      .set('Idempotency-Key', 'refuse-the-answer')
      .send({ body: 'We are on it.' });
    expect(res.status).toBe(500);
    expect(
      await count('SELECT count(*) AS n FROM case_messages WHERE case_id = $1', [caseId]),
    ).toBe(1);
  });
});

/**
 * A keyed write whose key another request (on another instance) answers first, while it runs,
 * is undone and answered with that answer.
 */
describe('a keyed write whose key is answered first by another request changes nothing', () => {
  it('apply: waits for the other record of the key, then replays it', async () => {
    const transactionId = await payment(t);
    const body = { transactionId, amount: 1000, reasonCode: 'NOT_RECEIVED' };
    const recorded = { answeredBy: 'another instance' };
    const other = new Client({ connectionString: t.db.url });
    await other.connect();
    try {
      await other.query('BEGIN');
      await other.query(
        `INSERT INTO idempotency_keys (principal, method, path, key, fingerprint, response_status,
                                       response_body, expires_at)
         VALUES ('customer:cus-1', 'POST', '/v1/refunds', 'answered-elsewhere', $1, 201, $2,
                 now() + interval '1 day')`,
        [fingerprint(body), JSON.stringify(recorded)],
      );
      const answer = t.http
        .post('/v1/refunds')
        .set('Authorization', a.customer)
        .set('Idempotency-Key', 'answered-elsewhere')
        .send(body)
        .then((res) => res);
      // Its final statement (which records the key) waits for the other transaction to end.
      await eventually(
        async () =>
          (await count(
            `SELECT count(*) AS n FROM pg_stat_activity
              WHERE datname = current_database() AND wait_event = 'transactionid'`,
            [],
          )) === 1,
        'the final statement to wait for the key',
      );
      await other.query('COMMIT');
      const res = await answer;
      expect([res.status, res.headers['idempotent-replayed'], res.body]).toEqual([
        201,
        'true',
        recorded,
      ]);
      expect(
        await count('SELECT count(*) AS n FROM refunds WHERE transaction_id = $1', [transactionId]),
      ).toBe(0);
      expect(
        await count('SELECT held_amount AS n FROM transactions WHERE id = $1', [transactionId]),
      ).toBe(0);
    } finally {
      await other.end();
    }
  });

  it('a retry after the first answer: replayed, and no second refund', async () => {
    const transactionId = await payment(t);
    const send = () =>
      t.http
        .post('/v1/refunds')
        .set('Authorization', a.customer)
        .set('Idempotency-Key', 'retried-once')
        .send({ transactionId, amount: 1000, reasonCode: 'NOT_RECEIVED' });
    const first = await send();
    const retry = await send();
    expect([first.status, retry.status, retry.headers['idempotent-replayed']]).toEqual([
      201,
      201,
      'true',
    ]);
    expect(retry.body).toEqual(first.body);
    expect(
      await count('SELECT count(*) AS n FROM refunds WHERE transaction_id = $1', [transactionId]),
    ).toBe(1);
    expect(
      await count(`SELECT count(*) AS n FROM events WHERE refund_id = $1`, [first.body.id]),
    ).toBe(1);
  });
});

describe('a keyed request the body validation refuses', () => {
  it('records the refusal under the key: the same body replays it, another body is 409', async () => {
    const transactionId = await payment(t);
    const key = `invalid-first-${Date.now()}`;
    const send = (body: object) =>
      t.http
        .post('/v1/refunds')
        .set('Authorization', a.customer)
        .set('Idempotency-Key', key)
        .send(body);
    const invalid = { transactionId, amount: -5, reasonCode: 'NOT_RECEIVED' };
    const first = await send(invalid);
    expect(first.status).toBe(400);
    const again = await send(invalid);
    expect([again.status, again.headers['idempotent-replayed']]).toEqual([400, 'true']);
    expect(again.body).toEqual(first.body);
    const other = await send({ transactionId, amount: 1000, reasonCode: 'NOT_RECEIVED' });
    expect([other.status, other.body.code]).toEqual([409, 'IDEMPOTENCY_KEY_REUSED']);
  });
});

describe('a keyed request a guard refuses', () => {
  it('is not recorded under the key: only what reaches the pipes and the handler is', async () => {
    const transactionId = await payment(t);
    const key = `refused-by-a-guard-${Date.now()}`;
    // A merchant may not apply: the role guard refuses it before the validation pipe.
    const refused = await t.http
      .post('/v1/refunds')
      .set('Authorization', a.merchant)
      .set('Idempotency-Key', key)
      .send({ transactionId, amount: 1000, reasonCode: 'NOT_RECEIVED' });
    expect(refused.status).toBe(403);
    const invalid = await t.http
      .post('/v1/refunds')
      .set('Authorization', a.merchant)
      .set('Idempotency-Key', `${key}-invalid`)
      .send({ transactionId, amount: -5, reasonCode: 'NOT_RECEIVED' });
    expect(invalid.status).toBe(403);
    const keys = await count('SELECT count(*) AS n FROM idempotency_keys WHERE key LIKE $1', [
      `${key}%`,
    ]);
    expect(keys).toBe(0);
  });
});
