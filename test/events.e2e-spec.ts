import { startTestApp, TestApp } from './support/app';
import {
  caseAction,
  DISPUTE,
  getRefund,
  REJECT,
  readCase,
  refundThrough,
  stopScheduler,
  SUBMIT,
} from './support/cases';
import { RefundsService } from '../apps/api/src/refunds/refunds.service';
import { act, actors, Actors, draft } from './support/refunds';

interface Event {
  id: string;
  type: string;
  createdAt: string;
  data: Record<string, any>;
}

describe('GET /v1/events', () => {
  let t: TestApp;
  let a: Actors;
  let refundId: string;
  let caseId: string;

  /** Every event the caller sees, walking the cursors `limit` at a time. */
  async function allEvents(auth: string, query: Record<string, string | number> = {}) {
    const events: Event[] = [];
    let cursor: string | undefined;
    do {
      const res = await t.http
        .get('/v1/events')
        .query({ limit: 3, ...query, ...(cursor ? { cursor } : {}) })
        .set('Authorization', auth);
      expect(res.status).toBe(200);
      events.push(...res.body.data);
      cursor = res.body.nextCursor ?? undefined;
    } while (cursor);
    return events;
  }
  const ofRefund = (events: Event[]) =>
    events.filter((e) => e.data.id === refundId || e.data.refundId === refundId);

  beforeAll(async () => {
    t = await startTestApp();
    await stopScheduler(t.app);
    a = await actors(t);
    // A disputed refund: its case is worked with an internal note and a public reply, then the
    // dispute is resolved.
    refundId = await refundThrough(t, a, [SUBMIT, REJECT, DISPUTE]);
    caseId = (await getRefund(t, a.agent, refundId)).caseId;
    for (const body of [
      { body: 'Checking the courier records.', internal: true },
      { body: 'We are looking into it.' },
    ]) {
      expect((await caseAction(t, a.agent, caseId, 'messages', body)).status).toBe(200);
    }
    const resolved = await act(t, a.agent, refundId, 'resolve-dispute', {
      outcome: 'CUSTOMER_FAVOUR',
      note: 'The courier could not show a signature.',
    });
    expect(resolved.status).toBe(200);
  });
  afterAll(() => t.close());

  it('records every change of the refund and its case, in order, newest first', async () => {
    const events = ofRefund(await allEvents(a.agent)).reverse();
    expect(events.map((e) => e.type)).toEqual([
      'refund.apply',
      'refund.submit',
      'refund.reject',
      'case.opened',
      'refund.dispute',
      'case.updated',
      'case.solved',
      'refund.resolve-dispute',
    ]);
    // The internal note is not an event: customers see events of their own cases.
    const dispute = events.find((e) => e.type === 'refund.dispute');
    expect(dispute?.data).toMatchObject({ id: refundId, status: 'DISPUTED', caseId });
    expect(dispute?.data).not.toHaveProperty('nextActions');
    const solved = events.find((e) => e.type === 'case.solved');
    expect(solved?.data).toEqual(await readCase(t, a.agent, caseId));
    const refund = await getRefund(t, a.agent, refundId);
    // Without what depends on who asks and when: nextActions, reviewBusinessDaysLeft.
    const asOfNow = ['nextActions', 'reviewBusinessDaysLeft'];
    expect(events.at(-1)?.data).toEqual({
      ...refund,
      nextActions: undefined,
      reviewBusinessDaysLeft: undefined,
    });
    // Stored as written: the fields come in GET's order.
    expect(Object.keys(events.at(-1)?.data ?? {})).toEqual(
      Object.keys(refund).filter((key) => !asOfNow.includes(key)),
    );
  });

  it('records the scans, edits, merchant responses and case work as well', async () => {
    const DAY = 24 * 60 * 60 * 1000;
    const edited = (await draft(t, a)).id as string;
    const patch = await t.http
      .patch(`/v1/refunds/${edited}`)
      .set('Authorization', a.customer)
      .send({ description: 'Blue, size M.' });
    expect(patch.status).toBe(200);
    const overdue = await refundThrough(t, a, [SUBMIT]);
    const refunds = t.app.get(RefundsService);
    await refunds.expireDue(new Date(Date.now() + 40 * DAY));
    await refunds.escalateOverdue(new Date(Date.now() + 30 * DAY));
    const disputed = await refundThrough(t, a, [SUBMIT, REJECT, DISPUTE]);
    const response = await act(t, a.merchant, disputed, 'merchant-response', {
      statement: 'The courier has a signed receipt.',
    });
    expect(response.status).toBe(200);
    const disputeCase = (await getRefund(t, a.agent, disputed)).caseId;
    expect((await caseAction(t, a.agent, disputeCase, 'assign', { agentId: 'agt-1' })).status).toBe(
      200,
    );

    const all = (await allEvents(a.agent, { limit: 100 })).reverse();
    const typesOf = (id: string) =>
      all.filter((e) => e.data.id === id || e.data.refundId === id).map((e) => e.type);
    expect(typesOf(edited)).toEqual(['refund.apply', 'refund.edit', 'refund.expire']);
    expect(typesOf(overdue)).toEqual([
      'refund.apply',
      'refund.submit',
      'case.opened',
      'refund.escalate',
    ]);
    expect(typesOf(disputed)).toEqual([
      'refund.apply',
      'refund.submit',
      'refund.reject',
      'case.opened',
      'refund.dispute',
      'case.updated',
      'refund.merchant-response',
      'case.updated',
    ]);
    expect(all.find((e) => e.type === 'refund.expire')?.data).toMatchObject({
      id: edited,
      status: 'EXPIRED',
    });
  });

  it('is scoped like refunds: merchants see their refunds without case events', async () => {
    const customer = ofRefund(await allEvents(a.customer));
    expect(customer.map((e) => e.type)).toContain('case.opened');
    const merchant = ofRefund(await allEvents(a.merchant));
    expect(merchant.map((e) => e.type)).toEqual([
      'refund.resolve-dispute',
      'refund.dispute',
      'refund.reject',
      'refund.submit',
      'refund.apply',
    ]);
    expect(ofRefund(await allEvents(a.otherCustomer))).toEqual([]);
    expect(ofRefund(await allEvents(a.otherMerchant))).toEqual([]);
    expect(ofRefund(await allEvents(a.system))).toHaveLength(8);
  });

  it('filters by type, and walks pages without gaps or repeats', async () => {
    const opened = await allEvents(a.agent, { type: 'case.opened' });
    expect(opened.length).toBeGreaterThan(0);
    expect(opened.every((e) => e.type === 'case.opened')).toBe(true);
    expect(ofRefund(opened)).toHaveLength(1);
    const paged = await allEvents(a.agent, { limit: 2 });
    const whole = (
      await t.http.get('/v1/events').query({ limit: 100 }).set('Authorization', a.agent)
    ).body.data as Event[];
    expect(paged.map((e) => e.id)).toEqual(whole.map((e) => e.id));
  });

  it('refuses unknown types and forged cursors with 400', async () => {
    for (const query of [{ type: 'refund.nope' }, { cursor: 'bm9wZQ' }, { limit: 0 }]) {
      const res = await t.http.get('/v1/events').query(query).set('Authorization', a.agent);
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
    }
    expect((await t.http.get('/v1/events')).status).toBe(401);
  });
});
