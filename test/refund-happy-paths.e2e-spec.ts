import { startTestApp, TestApp } from './support/app';
import { act, actors, Actors, draft } from './support/refunds';

describe('refund happy paths', () => {
  let t: TestApp;
  let a: Actors;
  beforeAll(async () => {
    t = await startTestApp();
    a = await actors(t);
  });
  afterAll(() => t.close());

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
