import { startTestApp, TestApp } from './support/app';
import { act, actors, Actors, draft } from './support/refunds';

// One app for the paths that need the default configuration; others start their own.
let t: TestApp;
let a: Actors;
beforeAll(async () => {
  t = await startTestApp();
  a = await actors(t);
});
afterAll(() => t.close());

describe('refund happy paths', () => {
  it('apply → submit → start-review → approve → payout → REFUNDED', async () => {
    const refund = await draft(t, a);
    expect(refund).toMatchObject({ status: 'DRAFT', version: 1, amount: 300_000, currency: 'IDR' });
    expect(refund.nextActions).toEqual(['submit', 'cancel', 'escalate']);

    const submitted = await act(t, a.customer, refund.id, 'submit');
    expect(submitted.status).toBe(200);
    expect(submitted.body).toMatchObject({ status: 'SUBMITTED', version: 2 });
    expect(submitted.body.submittedAt).not.toBeNull();
    expect(new Date(submitted.body.reviewDueAt).getTime()).toBeGreaterThan(
      new Date(submitted.body.submittedAt).getTime(),
    );

    expect((await act(t, a.merchant, refund.id, 'start-review')).body.status).toBe('UNDER_REVIEW');
    const approved = await act(t, a.merchant, refund.id, 'approve', { note: 'ok' });
    expect(approved.body).toMatchObject({ status: 'APPROVED', decisionReason: 'ok' });
    const paid = await act(t, a.system, refund.id, 'payout', {
      result: 'SUCCEEDED',
      reference: 'PO-1',
    });
    expect(paid.status).toBe(200);
    expect(paid.body).toMatchObject({ status: 'REFUNDED', payoutReference: 'PO-1', version: 5 });
    expect(paid.body.refundedAt).not.toBeNull();

    const events = await t.http
      .get(`/v1/refunds/${refund.id}/events`)
      .set('Authorization', a.customer);
    expect(events.status).toBe(200);
    expect(events.body.map((e: any) => [e.sequence, e.action, e.fromStatus, e.toStatus])).toEqual([
      [1, 'apply', null, 'DRAFT'],
      [2, 'submit', 'DRAFT', 'SUBMITTED'],
      [3, 'start-review', 'SUBMITTED', 'UNDER_REVIEW'],
      [4, 'approve', 'UNDER_REVIEW', 'APPROVED'],
      [5, 'payout', 'APPROVED', 'REFUNDED'],
    ]);
    expect(events.body[3].actor).toEqual({ role: 'merchant', id: 'mer-1' });

    const got = await t.http.get(`/v1/refunds/${refund.id}`).set('Authorization', a.customer);
    expect(got.headers.etag).toBe('"5"');
    expect(got.body.nextActions).toEqual([]);
  });
});

describe('more paths through the table', () => {
  it('reject → dispute → resolve in the customer favour → payout → REFUNDED', async () => {
    const { id } = await draft(t, a);
    await act(t, a.customer, id, 'submit');
    const rejected = await act(t, a.merchant, id, 'reject', { reason: 'Delivered on 21 Nov.' });
    expect(rejected.body).toMatchObject({
      status: 'REJECTED',
      decisionReason: 'Delivered on 21 Nov.',
    });
    const window = new Date(rejected.body.disputeDeadlineAt).getTime() - Date.now();
    expect(window).toBeGreaterThan(29 * 24 * 3600 * 1000);
    expect(rejected.body.nextActions).toEqual([]); // the merchant has nothing left to do

    const disputed = await act(t, a.customer, id, 'dispute', {
      statement: 'The parcel went to another address.',
      negotiationRecords: [
        { at: '2026-11-22T02:00:00Z', channel: 'merchant chat', summary: 'They refused to check.' },
      ],
    });
    expect(disputed.body.status).toBe('DISPUTED');
    expect(disputed.body.merchantResponseDueAt).not.toBeNull();
    expect(disputed.body.caseId).not.toBeNull();

    const response = await act(t, a.merchant, id, 'merchant-response', {
      statement: 'Signed for.',
    });
    expect([response.status, response.body.version]).toEqual([200, disputed.body.version]);

    const resolved = await act(t, a.agent, id, 'resolve-dispute', {
      outcome: 'CUSTOMER_FAVOUR',
      note: 'The courier confirmed the wrong address.',
    });
    expect(resolved.body.status).toBe('APPROVED');
    const paid = await act(t, a.system, id, 'payout', { result: 'SUCCEEDED', reference: 'PO-2' });
    expect(paid.body.status).toBe('REFUNDED');
    const tx = await t.http
      .get(`/v1/transactions/${paid.body.transactionId}`)
      .set('Authorization', a.customer);
    expect([tx.body.refundedAmount, tx.body.refundableAmount]).toEqual([300_000, 700_000]);
  });

  it('request-info → provide-info restarts the review deadline', async () => {
    const { id } = await draft(t, a);
    const submitted = await act(t, a.customer, id, 'submit');
    const asked = await act(t, a.merchant, id, 'request-info', { question: 'Which address?' });
    expect(asked.body.status).toBe('INFO_REQUESTED');
    const answered = await act(t, a.customer, id, 'provide-info', { answer: 'Jl. Sudirman 1' });
    expect(answered.body.status).toBe('SUBMITTED');
    expect(new Date(answered.body.reviewDueAt).getTime()).toBeGreaterThanOrEqual(
      new Date(submitted.body.reviewDueAt).getTime(),
    );
    const events = await t.http.get(`/v1/refunds/${id}/events`).set('Authorization', a.customer);
    expect(events.body.map((e: any) => e.note).slice(-2)).toEqual([
      'Which address?',
      'Jl. Sudirman 1',
    ]);
  });

  it('a payout failure is retried by an agent', async () => {
    const { id } = await draft(t, a);
    await act(t, a.customer, id, 'submit');
    await act(t, a.merchant, id, 'approve');
    const failed = await act(t, a.system, id, 'payout', {
      result: 'FAILED',
      failureReason: 'Closed',
    });
    expect(failed.body).toMatchObject({ status: 'PAYOUT_FAILED', payoutFailureReason: 'Closed' });
    const retried = await act(t, a.agent, id, 'retry-payout');
    expect(retried.body).toMatchObject({ status: 'APPROVED', payoutFailureReason: null });
    const missing = await act(t, a.system, id, 'payout', { result: 'FAILED' });
    expect(missing.status).toBe(400);
  });

  it('start-payout claims the refund: PAYOUT_PENDING until the result, then REFUNDED', async () => {
    const { id } = await draft(t, a);
    await act(t, a.customer, id, 'submit');
    await act(t, a.merchant, id, 'approve');
    const pending = await act(t, a.system, id, 'start-payout');
    expect(pending.status).toBe(200);
    expect(pending.body).toMatchObject({ status: 'PAYOUT_PENDING', version: 4 });
    expect(pending.body.nextActions).toEqual(['payout']);
    const again = await act(t, a.system, id, 'start-payout');
    expect([again.status, again.body.code]).toEqual([409, 'INVALID_TRANSITION']);
    const paid = await act(t, a.system, id, 'payout', { result: 'SUCCEEDED', reference: 'PO-7' });
    expect(paid.body).toMatchObject({ status: 'REFUNDED', payoutReference: 'PO-7', version: 5 });
    const timeline = await t.http.get(`/v1/refunds/${id}/events`).set('Authorization', a.agent);
    expect(timeline.body.slice(-2).map((e: { action: string }) => e.action)).toEqual([
      'start-payout',
      'payout',
    ]);
  });

  it('a payout started and failed goes to PAYOUT_FAILED', async () => {
    const { id } = await draft(t, a);
    await act(t, a.customer, id, 'submit');
    await act(t, a.merchant, id, 'approve');
    await act(t, a.system, id, 'start-payout');
    const failed = await act(t, a.system, id, 'payout', {
      result: 'FAILED',
      failureReason: 'Gone',
    });
    expect(failed.body).toMatchObject({ status: 'PAYOUT_FAILED', payoutFailureReason: 'Gone' });
  });

  it('cancel releases the amount', async () => {
    const { id, transactionId } = await draft(t, a);
    const cancelled = await act(t, a.customer, id, 'cancel');
    expect(cancelled.body.status).toBe('CANCELLED');
    const tx = await t.http
      .get(`/v1/transactions/${transactionId}`)
      .set('Authorization', a.customer);
    expect(tx.body.refundableAmount).toBe(1_000_000);
  });
});

describe('expiry, through the running scheduler', () => {
  const eventually = async (t: TestApp, auth: string, id: string, status: string) => {
    for (let i = 0; i < 50; i++) {
      const res = await t.http.get(`/v1/refunds/${id}`).set('Authorization', auth);
      if (res.body.status === status) return;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error(`${id} never became ${status}`);
  };

  it('expires a draft untouched for DRAFT_EXPIRY_DAYS', async () => {
    const t = await startTestApp({ DRAFT_EXPIRY_DAYS: '0', SLA_CHECK_INTERVAL_SECONDS: '1' });
    try {
      const a = await actors(t);
      const { id } = await draft(t, a);
      await eventually(t, a.customer, id, 'EXPIRED');
      const events = await t.http.get(`/v1/refunds/${id}/events`).set('Authorization', a.customer);
      expect(events.body.at(-1)).toMatchObject({
        action: 'expire',
        fromStatus: 'DRAFT',
        toStatus: 'EXPIRED',
        actor: { role: 'service', id: 'scheduler' },
      });
    } finally {
      await t.close();
    }
  });

  it('expires a request for information unanswered for INFO_REQUEST_EXPIRY_DAYS', async () => {
    const t = await startTestApp({
      INFO_REQUEST_EXPIRY_DAYS: '0',
      SLA_CHECK_INTERVAL_SECONDS: '1',
    });
    try {
      const a = await actors(t);
      const { id } = await draft(t, a);
      await act(t, a.customer, id, 'submit');
      await act(t, a.merchant, id, 'request-info', { question: 'Photo?' });
      await eventually(t, a.customer, id, 'EXPIRED');
      const other = await draft(t, a); // drafts keep their 30 days
      await new Promise((resolve) => setTimeout(resolve, 1500));
      const still = await t.http.get(`/v1/refunds/${other.id}`).set('Authorization', a.customer);
      expect(still.body.status).toBe('DRAFT');
    } finally {
      await t.close();
    }
  });
});

describe('actions without a body', () => {
  it('accept a POST with no body at all, as curl sends it', async () => {
    const { id } = await draft(t, a);
    const res = await t.http.post(`/v1/refunds/${id}/submit`).set('Authorization', a.customer);
    expect([res.status, res.body.status]).toEqual([200, 'SUBMITTED']);
  });

  it('still refuse unknown fields', async () => {
    const { id } = await draft(t, a);
    const res = await act(t, a.customer, id, 'cancel', { force: true });
    expect([res.status, res.body.code]).toEqual([400, 'VALIDATION_FAILED']);
  });
});
