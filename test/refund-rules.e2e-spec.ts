import { startTestApp, TestApp } from './support/app';
import { payment } from './support/fixtures';
import { act, actors, Actors, draft } from './support/refunds';

// One app for the rules that need the default configuration; others start their own.
let t: TestApp;
let a: Actors;
beforeAll(async () => {
  t = await startTestApp();
  a = await actors(t);
});
afterAll(() => t.close());

describe('applying and editing', () => {
  const apply = (auth: string, body: Record<string, unknown>) =>
    t.http.post('/v1/refunds').set('Authorization', auth).send(body);

  it('applies only for a payment of your own', async () => {
    const transactionId = await payment(t);
    const body = { transactionId, amount: 1000, reasonCode: 'NOT_RECEIVED' };
    expect((await apply(a.otherCustomer, body)).status).toBe(404);
    expect((await apply(a.customer, { ...body, transactionId: 'TX-nope' })).status).toBe(404);
    expect((await apply(a.merchant, body)).status).toBe(403);
    const created = await apply(a.customer, body);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      customerId: 'cus-1',
      merchantId: 'mer-1',
      currency: 'IDR',
    });
  });

  it.each([
    ['amount 0', { amount: 0 }, 'amount'],
    ['amount 1.5', { amount: 1.5 }, 'amount'],
    ['amount as a string', { amount: '1000' }, 'amount'],
    ['unknown reasonCode', { reasonCode: 'BORED' }, 'reasonCode'],
    ['missing transactionId', { transactionId: undefined }, 'transactionId'],
    ['2001-character description', { description: 'x'.repeat(2001) }, 'description'],
    ['unknown field', { refundEverything: true }, 'refundEverything'],
  ])('refuses a body with %s: 400 naming the field', async (_label, change, field) => {
    const transactionId = await payment(t);
    const res = await apply(a.customer, {
      transactionId,
      amount: 1000,
      reasonCode: 'NOT_RECEIVED',
      ...change,
    });
    expect([res.status, res.body.code]).toEqual([400, 'VALIDATION_FAILED']);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
  });

  it('refuses more than the payment with 422', async () => {
    const transactionId = await payment(t, { amount: 5000 });
    const res = await apply(a.customer, {
      transactionId,
      amount: 5001,
      reasonCode: 'NOT_RECEIVED',
    });
    expect([res.status, res.body.code]).toEqual([422, 'AMOUNT_EXCEEDS_REFUNDABLE']);
  });

  it('edits a draft only, by its own customer', async () => {
    const refund = await draft(t, a);
    const patch = (auth: string, body: Record<string, unknown>) =>
      t.http.patch(`/v1/refunds/${refund.id}`).set('Authorization', auth).send(body);
    expect((await patch(a.merchant, { amount: 10 })).status).toBe(403);
    expect((await patch(a.otherCustomer, { amount: 10 })).status).toBe(404);
    expect((await patch(a.customer, { status: 'APPROVED' })).status).toBe(400);
    const edited = await patch(a.customer, { amount: 10, description: 'smaller' });
    expect(edited.body).toMatchObject({ amount: 10, description: 'smaller', version: 2 });
    expect((await patch(a.customer, { amount: 2_000_000 })).body.code).toBe(
      'AMOUNT_EXCEEDS_REFUNDABLE',
    );
    await act(t, a.customer, refund.id, 'submit');
    const late = await patch(a.customer, { amount: 20 });
    expect([late.status, late.body.code]).toEqual([409, 'INVALID_TRANSITION']);
  });

  it('answers 404 for an unknown or malformed refund id', async () => {
    const unknown = '00000000-0000-4000-8000-000000000000';
    expect((await t.http.get(`/v1/refunds/${unknown}`).set('Authorization', a.agent)).status).toBe(
      404,
    );
    expect((await t.http.get('/v1/refunds/not-a-uuid').set('Authorization', a.agent)).status).toBe(
      404,
    );
  });

  it('checks refusals in order: role, body, visibility, version, state', async () => {
    const refund = await draft(t, a);
    // 403 before 400: a customer may never approve, whatever the body.
    expect((await act(t, a.customer, refund.id, 'reject', {})).status).toBe(403);
    // 400 before 404: a stranger's malformed body is a 400.
    expect((await act(t, a.otherMerchant, refund.id, 'reject', {})).status).toBe(400);
    expect((await act(t, a.otherMerchant, refund.id, 'reject', { reason: 'x' })).status).toBe(404);
    // 412 before 409: a stale version on a state that forbids the action.
    const stale = await t.http
      .post(`/v1/refunds/${refund.id}/reject`)
      .set('Authorization', a.merchant)
      .set('If-Match', '"9"')
      .send({ reason: 'x' });
    expect(stale.status).toBe(412);
    expect((await act(t, a.merchant, refund.id, 'reject', { reason: 'x' })).status).toBe(409);
  });
});

describe('the evidence checklist', () => {
  it('OTHER needs a description of at least 20 characters', async () => {
    const refund = await draft(t, a, { reasonCode: 'OTHER', description: 'too short' });
    const refused = await act(t, a.customer, refund.id, 'submit');
    expect([refused.status, refused.body.code]).toEqual([422, 'EVIDENCE_MISSING']);
    expect(refused.body.detail).toMatch(/description of at least 20 characters/);
    await t.http
      .patch(`/v1/refunds/${refund.id}`)
      .set('Authorization', a.customer)
      .send({ description: 'The seller charged me for a gift wrap I never chose.' });
    expect((await act(t, a.customer, refund.id, 'submit')).status).toBe(200);
  });

  it.each(['NOT_AS_DESCRIBED', 'UNAUTHORIZED_TRANSACTION', 'DEFECTIVE_OR_DAMAGED'])(
    '%s cannot be submitted without an attachment',
    async (reasonCode) => {
      const refund = await draft(t, a, { reasonCode });
      const refused = await act(t, a.customer, refund.id, 'submit');
      expect([refused.status, refused.body.code]).toEqual([422, 'EVIDENCE_MISSING']);
      expect(refused.body.detail).toMatch(/attachment/);
    },
  );

  it.each(['NOT_RECEIVED', 'DUPLICATE_CHARGE', 'CANCELLED_ORDER'])(
    '%s needs nothing more',
    async (reasonCode) => {
      const refund = await draft(t, a, { reasonCode });
      expect((await act(t, a.customer, refund.id, 'submit')).status).toBe(200);
    },
  );
});

describe('windows', () => {
  it('a dispute after the dispute window is refused with 422, and the refund is then terminal', async () => {
    const t = await startTestApp({ DISPUTE_WINDOW_DAYS: '0' });
    try {
      const a = await actors(t);
      const refund = await draft(t, a);
      await act(t, a.customer, refund.id, 'submit');
      await act(t, a.merchant, refund.id, 'reject', { reason: 'no' });
      await new Promise((resolve) => setTimeout(resolve, 20));
      const late = await act(t, a.customer, refund.id, 'dispute', { statement: 'But…' });
      expect([late.status, late.body.code]).toEqual([422, 'DISPUTE_WINDOW_CLOSED']);
      const seen = await t.http.get(`/v1/refunds/${refund.id}`).set('Authorization', a.customer);
      expect(seen.body.nextActions).toEqual([]);
      expect((await act(t, a.customer, refund.id, 'escalate', { message: 'Hi' })).status).toBe(409);
    } finally {
      await t.close();
    }
  });

  it('a merchant response after merchantResponseDueAt is refused with 422', async () => {
    const t = await startTestApp({ DISPUTE_MERCHANT_RESPONSE_DAYS: '0' });
    try {
      const a = await actors(t);
      const refund = await draft(t, a);
      await act(t, a.customer, refund.id, 'submit');
      await act(t, a.merchant, refund.id, 'reject', { reason: 'no' });
      await act(t, a.customer, refund.id, 'dispute', { statement: 'But…' });
      await new Promise((resolve) => setTimeout(resolve, 20));
      const late = await act(t, a.merchant, refund.id, 'merchant-response', { statement: 'x' });
      expect([late.status, late.body.code]).toEqual([422, 'RESPONSE_WINDOW_CLOSED']);
    } finally {
      await t.close();
    }
  });
});

describe('listing refunds', () => {
  let t: TestApp;
  let a: Actors;
  beforeAll(async () => {
    t = await startTestApp({ REVIEW_SLA_BUSINESS_DAYS: '0', SLA_CHECK_INTERVAL_SECONDS: '3600' });
    a = await actors(t);
  });
  afterAll(() => t.close());

  it('scopes by role, filters, and pages newest first without duplicates or gaps', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await draft(t, a)).id);
    await act(t, a.customer, ids[0], 'submit'); // due at once: REVIEW_SLA_BUSINESS_DAYS=0

    const list = (auth: string, query = '') =>
      t.http.get(`/v1/refunds${query}`).set('Authorization', auth);
    expect((await list(a.otherCustomer)).body.data).toEqual([]);
    expect((await list(a.otherMerchant)).body.data).toEqual([]);
    expect((await list(a.merchant)).body.data).toHaveLength(5);
    expect((await list(a.customer, '?status=SUBMITTED')).body.data.map((r: any) => r.id)).toEqual([
      ids[0],
    ]);
    expect((await list(a.agent, '?reviewOverdue=true')).body.data.map((r: any) => r.id)).toEqual([
      ids[0],
    ]);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: any = await list(a.customer, `?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.status).toBe(200);
      seen.push(...page.body.data.map((r: any) => r.id));
      cursor = page.body.nextCursor;
      if (seen.length === 2) await draft(t, a); // added meanwhile: newer, so not in later pages
    } while (cursor);
    expect(seen).toEqual([...ids].reverse());

    expect((await list(a.customer, '?cursor=garbage')).status).toBe(400);
    expect((await list(a.customer, '?limit=0')).status).toBe(400);
    expect((await list(a.customer, '?status=LOST')).status).toBe(400);
  });
});
