import { RefundsService } from '../apps/api/src/refunds/refunds.service';
import { startTestApp, TestApp } from './support/app';
import { stopScheduler } from './support/cases';
import { payment, refundIn } from './support/fixtures';
import { act, actors, Actors } from './support/refunds';

const DAY = 24 * 3600 * 1000;
const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const OFFER = { amount: 120_000, message: 'Half of it back: the parcel came late but whole.' };

describe('settlement offers', () => {
  let t: TestApp;
  let a: Actors;
  beforeAll(async () => {
    t = await startTestApp();
    await stopScheduler(t.app);
    a = await actors(t);
  });
  afterAll(() => t.close());

  const get = (auth: string, id: string) =>
    t.http.get(`/v1/refunds/${id}`).set('Authorization', auth);
  const timeline = async (id: string) =>
    (await t.http.get(`/v1/refunds/${id}/events`).set('Authorization', a.agent)).body as {
      action: string;
      actor: { role: string; id: string };
      details?: Record<string, unknown>;
    }[];
  const eventTypes = async (id: string) =>
    (
      await t.query<{ type: string }>(
        "SELECT type FROM events WHERE refund_id = $1 AND type LIKE 'refund.%' ORDER BY position",
        [id],
      )
    ).map((row) => row.type);
  const refundable = async (transactionId: string) =>
    (await t.http.get(`/v1/transactions/${transactionId}`).set('Authorization', a.customer)).body
      .refundableAmount as number;

  /** A 300,000 refund of a fresh 1,000,000 payment, in `status`, with its payment's id. */
  async function refund(status: 'SUBMITTED' | 'UNDER_REVIEW' | 'DISPUTED') {
    const transactionId = await payment(t);
    return { id: await refundIn(t, status, { transactionId }), transactionId };
  }

  it('the merchant offers part of the amount: the refund carries it, one event, version + 1', async () => {
    const { id } = await refund('UNDER_REVIEW');
    const before = await get(a.merchant, id);
    expect([before.body.offer, before.body.requestedAmount]).toEqual([null, 300_000]);

    const res = await act(t, a.merchant, id, 'offer', OFFER);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      status: 'UNDER_REVIEW',
      amount: 300_000,
      requestedAmount: 300_000,
      version: before.body.version + 1,
      offer: {
        amount: 120_000,
        message: OFFER.message,
        madeBy: { role: 'merchant', id: 'mer-1' },
        status: 'OPEN',
      },
    });
    const { madeAt, expiresAt } = res.body.offer;
    // OFFER_EXPIRY_BUSINESS_DAYS=3 business days: at least 3 calendar days, at most 3 + a weekend + holidays.
    const days = (Date.parse(expiresAt) - Date.parse(madeAt)) / DAY;
    expect(days).toBeGreaterThanOrEqual(3);
    expect(days).toBeLessThan(8);
    expect(res.body.nextActions).not.toContain('offer');
    expect(res.body.nextActions).toContain('withdraw-offer');

    const customer = await get(a.customer, id);
    expect(customer.body.nextActions).toEqual(
      expect.arrayContaining(['accept-offer', 'decline-offer']),
    );
    expect(customer.body.nextActions).not.toContain('withdraw-offer');
    const agent = await get(a.agent, id);
    expect(agent.body.nextActions).toContain('withdraw-offer');
    expect(agent.body.nextActions).not.toContain('offer');

    const events = await timeline(id);
    expect(events.map((e) => e.action)).toEqual(['offer']);
    expect(events[0]).toMatchObject({
      actor: { role: 'merchant', id: 'mer-1' },
      details: { amount: 120_000, expiresAt },
    });
    expect(await eventTypes(id)).toEqual(['refund.offer']);
  });

  it('the amount: not a positive integer 400, not below the amount 422, a second offer 409', async () => {
    const { id } = await refund('SUBMITTED');
    for (const amount of [0, -5, 1.5, '100', null]) {
      const res = await act(t, a.merchant, id, 'offer', { ...OFFER, amount });
      expect([amount, res.status, res.body.code]).toEqual([amount, 400, 'VALIDATION_FAILED']);
    }
    expect((await act(t, a.merchant, id, 'offer', { amount: 1000 })).status).toBe(400);
    for (const amount of [300_000, 300_001]) {
      const res = await act(t, a.merchant, id, 'offer', { ...OFFER, amount });
      expect([res.status, res.body.code]).toEqual([422, 'OFFER_AMOUNT_INVALID']);
    }
    expect((await act(t, a.merchant, id, 'offer', OFFER)).status).toBe(200);
    for (const who of [a.merchant, a.agent]) {
      const again = await act(t, who, id, 'offer', { ...OFFER, amount: 100_000 });
      expect([again.status, again.body.code]).toEqual([409, 'OFFER_ALREADY_OPEN']);
    }
    expect((await timeline(id)).length).toBe(1);
  });

  it('without an open offer, accept, decline and withdraw answer 409 NO_OPEN_OFFER', async () => {
    const { id } = await refund('SUBMITTED');
    for (const [who, action] of [
      [a.customer, 'accept-offer'],
      [a.customer, 'decline-offer'],
      [a.merchant, 'withdraw-offer'],
      [a.agent, 'withdraw-offer'],
    ] as const) {
      const res = await act(t, who, id, action);
      expect([action, res.status, res.body.code]).toEqual([action, 409, 'NO_OPEN_OFFER']);
    }
    // Roles the table never lets take them: 403 first.
    expect((await act(t, a.customer, id, 'offer', OFFER)).status).toBe(403);
    expect((await act(t, a.merchant, id, 'accept-offer')).status).toBe(403);
    // Outside SUBMITTED, UNDER_REVIEW and DISPUTED: the state refuses (409 INVALID_TRANSITION).
    const approved = await refundIn(t, 'APPROVED');
    const res = await act(t, a.merchant, approved, 'offer', OFFER);
    expect([res.status, res.body.code]).toEqual([409, 'INVALID_TRANSITION']);
  });

  it('accepting approves the offered amount; the difference is refundable again; requestedAmount keeps what was asked', async () => {
    const { id, transactionId } = await refund('SUBMITTED');
    expect(await refundable(transactionId)).toBe(700_000);
    const offered = await act(t, a.merchant, id, 'offer', OFFER);
    const res = await t.http
      .post(`/v1/refunds/${id}/accept-offer`)
      .set('Authorization', a.customer)
      .set('If-Match', `"${offered.body.version}"`)
      .send({});
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      status: 'APPROVED',
      amount: 120_000,
      requestedAmount: 300_000,
      version: offered.body.version + 1,
      offer: { amount: 120_000, status: 'ACCEPTED' },
    });
    expect(await refundable(transactionId)).toBe(880_000);
    const events = await timeline(id);
    expect(events.map((e) => e.action)).toEqual(['offer', 'accept-offer']);
    expect(events[1].details).toEqual({ amount: 120_000, requestedAmount: 300_000 });
    expect(await eventTypes(id)).toEqual(['refund.offer', 'refund.accept-offer']);

    // The payout pays the settled amount.
    const paid = await act(t, a.system, id, 'payout', { result: 'SUCCEEDED', reference: 'PO-7' });
    expect([paid.status, paid.body.amount]).toEqual([200, 120_000]);
    const tx = await t.http.get(`/v1/transactions/${transactionId}`).set('Authorization', a.agent);
    expect([tx.body.refundedAmount, tx.body.refundableAmount]).toEqual([120_000, 880_000]);
  });

  it('If-Match protects the customer: an accept of an offer that changed since they read it fails (412)', async () => {
    const { id } = await refund('UNDER_REVIEW');
    const seen = await act(t, a.merchant, id, 'offer', OFFER);
    expect((await act(t, a.merchant, id, 'withdraw-offer')).status).toBe(200);
    expect((await act(t, a.merchant, id, 'offer', { ...OFFER, amount: 10_000 })).status).toBe(200);
    const res = await t.http
      .post(`/v1/refunds/${id}/accept-offer`)
      .set('Authorization', a.customer)
      .set('If-Match', `"${seen.body.version}"`)
      .send({});
    expect([res.status, res.body.code]).toEqual([412, 'VERSION_MISMATCH']);
    expect((await get(a.customer, id)).body.status).toBe('UNDER_REVIEW');
  });

  it('declining leaves the state; a new offer may follow', async () => {
    const { id, transactionId } = await refund('UNDER_REVIEW');
    const offered = await act(t, a.agent, id, 'offer', OFFER);
    expect(offered.body.offer.madeBy).toEqual({ role: 'agent', id: 'agt-1' });
    const res = await act(t, a.customer, id, 'decline-offer');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      status: 'UNDER_REVIEW',
      amount: 300_000,
      version: offered.body.version + 1,
      offer: { amount: 120_000, status: 'DECLINED' },
    });
    expect(res.body.nextActions).not.toContain('accept-offer');
    expect(await refundable(transactionId)).toBe(700_000);
    expect((await act(t, a.merchant, id, 'offer', { ...OFFER, amount: 200_000 })).status).toBe(200);
    expect(await eventTypes(id)).toEqual(['refund.offer', 'refund.decline-offer', 'refund.offer']);
  });

  it('withdrawing: the merchant its own offer, an agent any; a merchant not an agent’s', async () => {
    const { id } = await refund('SUBMITTED');
    await act(t, a.agent, id, 'offer', OFFER);
    expect((await get(a.merchant, id)).body.nextActions).not.toContain('withdraw-offer');
    const refused = await act(t, a.merchant, id, 'withdraw-offer');
    expect([refused.status, refused.body.code]).toEqual([409, 'INVALID_TRANSITION']);
    expect((await act(t, a.otherMerchant, id, 'withdraw-offer')).status).toBe(404);
    const byAgent = await act(t, a.agent, id, 'withdraw-offer');
    expect([byAgent.status, byAgent.body.offer.status]).toEqual([200, 'WITHDRAWN']);

    await act(t, a.merchant, id, 'offer', OFFER);
    const own = await act(t, a.merchant, id, 'withdraw-offer');
    expect([own.status, own.body.offer.status]).toEqual([200, 'WITHDRAWN']);
    expect((await timeline(id)).map((e) => e.action)).toEqual([
      'offer',
      'withdraw-offer',
      'offer',
      'withdraw-offer',
    ]);
  });

  for (const [status, who, action, body, to] of [
    ['UNDER_REVIEW', 'merchant', 'approve', { note: 'Fine, all of it.' }, 'APPROVED'],
    ['UNDER_REVIEW', 'merchant', 'reject', { reason: 'Delivered.' }, 'REJECTED'],
    ['SUBMITTED', 'agent', 'request-info', { question: 'Which courier?' }, 'INFO_REQUESTED'],
    ['SUBMITTED', 'customer', 'cancel', {}, 'CANCELLED'],
    ['DISPUTED', 'agent', 'resolve-dispute', { outcome: 'MERCHANT_FAVOUR', note: 'No.' }, 'CLOSED'],
    ['DISPUTED', 'customer', 'withdraw-dispute', {}, 'CLOSED'],
  ] as const) {
    it(`${action} withdraws the open offer within its own event`, async () => {
      const { id } = await refund(status);
      await act(t, a.merchant, id, 'offer', OFFER);
      const res = await act(t, a[who], id, action, body);
      expect([res.status, res.body.status, res.body.offer?.status]).toEqual([200, to, 'WITHDRAWN']);
      const events = await timeline(id);
      expect(events.map((e) => e.action)).toEqual(['offer', action]);
      expect(events[1].details).toMatchObject({ offerWithdrawn: true });
      expect(await eventTypes(id)).toEqual(['refund.offer', `refund.${action}`]);
    });
  }

  it('an offer past its expiresAt is no longer open; the scheduler marks it EXPIRED with one event', async () => {
    const { id } = await refund('UNDER_REVIEW');
    const offered = await act(t, a.merchant, id, 'offer', OFFER);
    await t.query(
      `UPDATE refunds SET offer_expires_at = now() - interval '1 second' WHERE id = $1`,
      [id],
    );
    const late = await act(t, a.customer, id, 'accept-offer');
    expect([late.status, late.body.code]).toEqual([409, 'NO_OPEN_OFFER']);
    expect((await get(a.customer, id)).body.nextActions).not.toContain('accept-offer');

    expect(await t.app.get(RefundsService).expireOffers()).toEqual([id]);
    const after = await get(a.merchant, id);
    expect(after.body).toMatchObject({
      status: 'UNDER_REVIEW',
      version: offered.body.version + 1,
      offer: { status: 'EXPIRED' },
    });
    expect(after.body.nextActions).toContain('offer');
    const events = await timeline(id);
    expect(events.map((e) => [e.action, e.actor])).toEqual([
      ['offer', { role: 'merchant', id: 'mer-1' }],
      ['expire-offer', { role: 'service', id: 'scheduler' }],
    ]);
    expect(await eventTypes(id)).toEqual(['refund.offer', 'refund.expire-offer']);
    expect(await t.app.get(RefundsService).expireOffers()).toEqual([]);
  });

  it('accepting during a dispute solves the dispute case with outcome SETTLED', async () => {
    const { id, transactionId } = await refund('DISPUTED');
    const caseId = (await get(a.agent, id)).body.caseId;
    expect(caseId).toEqual(expect.any(String));
    await act(t, a.merchant, id, 'offer', OFFER);
    const res = await act(t, a.customer, id, 'accept-offer');
    expect([res.status, res.body.status, res.body.amount]).toEqual([200, 'APPROVED', 120_000]);
    expect(await refundable(transactionId)).toBe(880_000);
    const supportCase = await t.http.get(`/v1/cases/${caseId}`).set('Authorization', a.agent);
    expect([supportCase.body.status, supportCase.body.outcome]).toEqual(['SOLVED', 'SETTLED']);
  });

  it('accepting after the review went overdue solves the overdue case as an approval', async () => {
    const { id } = await refund('SUBMITTED');
    await t.app.get(RefundsService).escalateOverdue(new Date(Date.now() + 30 * DAY));
    const caseId = (await get(a.agent, id)).body.caseId;
    expect(caseId).toEqual(expect.any(String));
    await act(t, a.merchant, id, 'offer', OFFER);
    expect((await act(t, a.customer, id, 'accept-offer')).status).toBe(200);
    const supportCase = await t.http.get(`/v1/cases/${caseId}`).set('Authorization', a.agent);
    expect([supportCase.body.status, supportCase.body.outcome]).toEqual(['SOLVED', 'APPROVED']);
  });

  describe('under concurrency', () => {
    /** The payment holds exactly what its holding refunds ask for: no over-refund, no leak. */
    async function expectHeldExact(transactionId: string) {
      const [row] = await t.query<{ held: string; sum: string }>(
        `SELECT t.held_amount AS held,
                (SELECT coalesce(sum(amount), 0) FROM refunds r
                  WHERE r.transaction_id = t.id
                    AND r.status NOT IN ('CANCELLED', 'CLOSED', 'EXPIRED', 'REJECTED')) AS sum
           FROM transactions t WHERE t.id = $1`,
        [transactionId],
      );
      expect(Number(row.held)).toBe(Number(row.sum));
    }

    for (const [who, action, body, to, refundableAfter] of [
      ['merchant', 'approve', { note: 'All of it.' }, 'APPROVED', 700_000],
      ['merchant', 'reject', { reason: 'Delivered.' }, 'REJECTED', 1_000_000],
      ['customer', 'cancel', {}, 'CANCELLED', 1_000_000],
    ] as const) {
      it(`accept-offer against a concurrent ${action}: exactly one wins, the refundable amount exact`, async () => {
        for (let round = 0; round < 6; round++) {
          const { id, transactionId } = await refund(
            round % 2 === 0 ? 'SUBMITTED' : 'UNDER_REVIEW',
          );
          await act(t, a.merchant, id, 'offer', OFFER);
          const [accepted, other] = await Promise.all([
            act(t, a.customer, id, 'accept-offer'),
            act(t, a[who], id, action, body),
          ]);
          expect([accepted.status, other.status].sort()).toEqual([200, 409]);
          const loser = accepted.status === 200 ? other : accepted;
          expect(loser.body.code).toBe('INVALID_TRANSITION');
          const final = (await get(a.agent, id)).body;
          if (accepted.status === 200) {
            expect([final.status, final.amount, final.offer.status]).toEqual([
              'APPROVED',
              120_000,
              'ACCEPTED',
            ]);
            expect(await refundable(transactionId)).toBe(880_000);
          } else {
            expect([final.status, final.amount, final.offer.status]).toEqual([
              to,
              300_000,
              'WITHDRAWN',
            ]);
            expect(await refundable(transactionId)).toBe(refundableAfter);
          }
          await expectHeldExact(transactionId);
          const actions = (await timeline(id)).map((e) => e.action);
          expect(actions).toEqual(['offer', accepted.status === 200 ? 'accept-offer' : action]);
        }
      });
    }

    it('an offer expiring while the customer accepts: exactly one of EXPIRED or ACCEPTED', async () => {
      const refunds = t.app.get(RefundsService);
      for (let round = 0; round < 10; round++) {
        const { id, transactionId } = await refund('UNDER_REVIEW');
        await act(t, a.merchant, id, 'offer', OFFER);
        // Open for the customer (an hour left), already due for a scan that runs two hours on.
        await t.query(
          `UPDATE refunds SET offer_expires_at = now() + interval '1 hour' WHERE id = $1`,
          [id],
        );
        const [accepted, expired] = await Promise.all([
          act(t, a.customer, id, 'accept-offer'),
          // Staggered, so that each side comes first in some rounds.
          delay(round * 4).then(() => refunds.expireOffers(new Date(Date.now() + 2 * 3600_000))),
        ]);
        const final = (await get(a.agent, id)).body;
        const actions = (await timeline(id)).map((e) => e.action);
        if (accepted.status === 200) {
          expect(expired).not.toContain(id);
          expect([final.status, final.offer.status]).toEqual(['APPROVED', 'ACCEPTED']);
          expect(actions).toEqual(['offer', 'accept-offer']);
          expect(await refundable(transactionId)).toBe(880_000);
        } else {
          expect([accepted.status, accepted.body.code]).toEqual([409, 'NO_OPEN_OFFER']);
          expect(expired).toContain(id);
          expect([final.status, final.offer.status]).toEqual(['UNDER_REVIEW', 'EXPIRED']);
          expect(actions).toEqual(['offer', 'expire-offer']);
          expect(await refundable(transactionId)).toBe(700_000);
        }
        await expectHeldExact(transactionId);
      }
    });
  });
});
