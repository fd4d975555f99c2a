import { Client } from 'pg';
import { startTestApp, TestApp } from './support/app';
import { payment } from './support/fixtures';
import { act, actors, Actors, draft } from './support/refunds';

const statuses = (responses: { status: number }[]) =>
  responses.reduce<Record<number, number>>((counts, { status }) => {
    counts[status] = (counts[status] ?? 0) + 1;
    return counts;
  }, {});

describe('rules that hold under concurrency', () => {
  let t: TestApp;
  let a: Actors;
  beforeAll(async () => {
    t = await startTestApp();
    a = await actors(t);
  });
  afterAll(() => t.close());

  it('no over-refund: 20 parallel applications of 30% of a payment, exactly 3 succeed', async () => {
    const transactionId = await payment(t, { amount: 1_000_000 });
    const responses = await Promise.all(
      Array.from({ length: 20 }, () =>
        t.http
          .post('/v1/refunds')
          .set('Authorization', a.customer)
          .send({ transactionId, amount: 300_000, reasonCode: 'NOT_RECEIVED' }),
      ),
    );
    expect(statuses(responses)).toEqual({ 201: 3, 422: 17 });
    for (const res of responses.filter((r) => r.status === 422)) {
      expect(res.body.code).toBe('AMOUNT_EXCEEDS_REFUNDABLE');
    }
    const tx = await t.http
      .get(`/v1/transactions/${transactionId}`)
      .set('Authorization', a.customer);
    expect(tx.body.refundableAmount).toBe(100_000);
  });

  it('no over-refund: 20 parallel disputes re-activating rejected amounts, exactly 3 succeed', async () => {
    const transactionId = await payment(t, { amount: 1_000_000 });
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) {
      const res = await t.http
        .post('/v1/refunds')
        .set('Authorization', a.customer)
        .send({ transactionId, amount: 300_000, reasonCode: 'NOT_RECEIVED' });
      expect(res.status).toBe(201);
      expect((await act(t, a.customer, res.body.id, 'submit')).status).toBe(200);
      expect((await act(t, a.merchant, res.body.id, 'reject', { reason: 'no' })).status).toBe(200);
      ids.push(res.body.id);
    }
    const responses = await Promise.all(
      ids.map((id) => act(t, a.customer, id, 'dispute', { statement: 'It never came.' })),
    );
    expect(statuses(responses)).toEqual({ 200: 3, 422: 17 });
    expect(responses.find((r) => r.status === 422)!.body.code).toBe('AMOUNT_EXCEEDS_REFUNDABLE');
  });

  it('no over-refund: 20 parallel PATCHes raising drafts, exactly 3 succeed', async () => {
    const transactionId = await payment(t, { amount: 1_000_000 });
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) {
      const res = await t.http
        .post('/v1/refunds')
        .set('Authorization', a.customer)
        .send({ transactionId, amount: 1, reasonCode: 'NOT_RECEIVED' });
      ids.push(res.body.id);
    }
    const responses = await Promise.all(
      ids.map((id) =>
        t.http
          .patch(`/v1/refunds/${id}`)
          .set('Authorization', a.customer)
          .send({ amount: 300_000 }),
      ),
    );
    expect(statuses(responses)).toEqual({ 200: 3, 422: 17 });
  });

  it('one transition wins: 20 parallel approve/reject, one 200, the rest 409, one decision event', async () => {
    const { id } = await draft(t, a);
    await act(t, a.customer, id, 'submit');
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        i % 2 === 0
          ? act(t, a.merchant, id, 'approve', {})
          : act(t, a.agent, id, 'reject', { reason: 'no' }),
      ),
    );
    expect(statuses(responses)).toEqual({ 200: 1, 409: 19 });
    const events = await t.http.get(`/v1/refunds/${id}/events`).set('Authorization', a.agent);
    const decisions = events.body.filter(
      (e: any) => e.action === 'approve' || e.action === 'reject',
    );
    expect(decisions).toHaveLength(1);
    expect(events.body.map((e: any) => e.sequence)).toEqual([1, 2, 3]);
  });

  it('Idempotency-Key: 50 parallel creates with one key make one refund, all answered alike', async () => {
    const transactionId = await payment(t, { amount: 1_000_000 });
    const body = { transactionId, amount: 100_000, reasonCode: 'NOT_RECEIVED' };
    const responses = await Promise.all(
      Array.from({ length: 50 }, () =>
        t.http
          .post('/v1/refunds')
          .set('Authorization', a.customer)
          .set('Idempotency-Key', 'create-once-1')
          .send(body),
      ),
    );
    expect(statuses(responses)).toEqual({ 201: 50 });
    expect(new Set(responses.map((r) => r.body.id)).size).toBe(1);
    expect(responses.filter((r) => r.headers['idempotent-replayed'] === 'true')).toHaveLength(49);
    const list = await t.http
      .get(`/v1/refunds?transactionId=${transactionId}`)
      .set('Authorization', a.customer);
    expect(list.body.data).toHaveLength(1);
  });

  it('Idempotency-Key: another body is 409, another principal or path is another key', async () => {
    const transactionId = await payment(t, { amount: 1_000_000 });
    const send = (auth: string, amount: number, path = '/v1/refunds') =>
      t.http
        .post(path)
        .set('Authorization', auth)
        .set('Idempotency-Key', 'key-2')
        .send({ transactionId, amount, reasonCode: 'NOT_RECEIVED' });
    expect((await send(a.customer, 1000)).status).toBe(201);
    const reused = await send(a.customer, 2000);
    expect([reused.status, reused.body.code]).toEqual([409, 'IDEMPOTENCY_KEY_REUSED']);
    // Same key, other principal: its own (the payment is not theirs: 404, not a replay).
    expect((await send(a.otherCustomer, 1000)).status).toBe(404);
    // Errors are replayed too: the first answer stands for the key.
    const first = await t.http
      .post('/v1/refunds')
      .set('Authorization', a.customer)
      .set('Idempotency-Key', 'key-3')
      .send({ transactionId, amount: 999_999_999, reasonCode: 'NOT_RECEIVED' });
    const again = await t.http
      .post('/v1/refunds')
      .set('Authorization', a.customer)
      .set('Idempotency-Key', 'key-3')
      .send({ transactionId, amount: 999_999_999, reasonCode: 'NOT_RECEIVED' });
    expect([first.status, again.status]).toEqual([422, 422]);
    expect(again.headers['content-type']).toMatch(/problem\+json/);
    expect(again.body).toEqual(first.body);
  });

  it('If-Match: a stale version is 412, the current one passes, a malformed one is 400', async () => {
    const { id } = await draft(t, a);
    const stale = await t.http
      .patch(`/v1/refunds/${id}`)
      .set('Authorization', a.customer)
      .set('If-Match', '"7"')
      .send({ amount: 1000 });
    expect([stale.status, stale.body.code]).toEqual([412, 'VERSION_MISMATCH']);
    const ok = await t.http
      .patch(`/v1/refunds/${id}`)
      .set('Authorization', a.customer)
      .set('If-Match', '"1"')
      .send({ amount: 1000 });
    expect([ok.status, ok.body.version, ok.headers.etag]).toEqual([200, 2, '"2"']);
    const staleAction = await t.http
      .post(`/v1/refunds/${id}/submit`)
      .set('Authorization', a.customer)
      .set('If-Match', '"1"');
    expect(staleAction.status).toBe(412);
    const malformed = await t.http
      .post(`/v1/refunds/${id}/submit`)
      .set('Authorization', a.customer)
      .set('If-Match', 'latest');
    expect(malformed.status).toBe(400);
  });

  it('an escalation that waited behind a cancel is refused (409) and opens no case', async () => {
    const { id } = await draft(t, a);
    await act(t, a.customer, id, 'submit');
    // Hold the refund's row so both requests queue behind us: cancel first, escalate second.
    const holder = new Client({ connectionString: t.db.url });
    await holder.connect();
    await holder.query('BEGIN');
    await holder.query('SELECT id FROM refunds WHERE id = $1 FOR UPDATE', [id]);
    const waiting = async (n: number) => {
      for (let i = 0; i < 100; i++) {
        const res = await holder.query(
          `SELECT count(*)::int AS n FROM pg_locks l JOIN pg_stat_activity s USING (pid)
            WHERE NOT l.granted AND s.datname = current_database()`,
        );
        if (res.rows[0].n >= n) return;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      throw new Error(`never saw ${n} waiting`);
    };
    const cancel = act(t, a.customer, id, 'cancel');
    await waiting(1);
    const escalate = act(t, a.customer, id, 'escalate', { message: 'Hello?' });
    await waiting(2);
    await holder.query('COMMIT');
    await holder.end();
    expect((await cancel).status).toBe(200);
    const late = await escalate;
    expect([late.status, late.body.code]).toEqual([409, 'INVALID_TRANSITION']);
    const refund = await t.http.get(`/v1/refunds/${id}`).set('Authorization', a.customer);
    expect([refund.body.status, refund.body.caseId]).toEqual(['CANCELLED', null]);
  });

  it('the timeline cannot be updated or deleted, even with SQL', async () => {
    const { id } = await draft(t, a);
    const client = new Client({ connectionString: t.db.url });
    await client.connect();
    try {
      await expect(
        client.query(`UPDATE refund_events SET note = 'x' WHERE refund_id = $1`, [id]),
      ).rejects.toThrow(/append-only/);
      await expect(
        client.query(`DELETE FROM refund_events WHERE refund_id = $1`, [id]),
      ).rejects.toThrow(/append-only/);
    } finally {
      await client.end();
    }
  });
});
