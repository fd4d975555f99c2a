import { rmSync } from 'node:fs';
import { startTestApp, TestApp } from './support/app';
import {
  allDayChannelsFile,
  caseAction,
  DISPUTE,
  escalate,
  getRefund,
  readCase,
  REJECT,
  refundThrough,
  SUBMIT,
  timeline,
} from './support/cases';
import { payment, refundIn } from './support/fixtures';
import { act, actors, Actors } from './support/refunds';

describe('the agent workspace', () => {
  const channels = allDayChannelsFile();
  let t: TestApp;
  let a: Actors;
  beforeAll(async () => {
    t = await startTestApp({ SUPPORT_CHANNELS: channels.file });
    a = await actors(t);
  });
  afterAll(async () => {
    await t.close();
    rmSync(channels.dir, { recursive: true, force: true });
  });

  describe('resolving a dispute (POST /v1/refunds/:id/resolve-dispute)', () => {
    const note = 'We refund you in full: the courier could not show a signature.';
    const internalNote = 'Courier hub ABC lost three parcels this week; merchant is not at fault.';

    it('sends the note to the customer and keeps the internal note among agents', async () => {
      const refundId = await refundThrough(t, a, [SUBMIT, REJECT, DISPUTE]);
      const { caseId } = await getRefund(t, a.agent, refundId);

      const res = await act(t, a.agent, refundId, 'resolve-dispute', {
        outcome: 'CUSTOMER_FAVOUR',
        note,
        internalNote,
      });
      expect(res.status).toBe(200);

      const forCustomer = await readCase(t, a.customer, caseId, '/messages');
      expect(forCustomer.at(-1)).toMatchObject({ body: note, internal: false });
      const forAgents = await readCase(t, a.agent, caseId, '/messages');
      expect(forAgents.slice(-2)).toMatchObject([
        { body: note, internal: false, author: { role: 'agent', id: 'agt-1' } },
        { body: internalNote, internal: true, author: { role: 'agent', id: 'agt-1' } },
      ]);
    });

    it('never shows the internal note to the customer or the merchant, anywhere', async () => {
      const refundId = await refundThrough(t, a, [SUBMIT, REJECT, DISPUTE]);
      const { caseId } = await getRefund(t, a.agent, refundId);
      await act(t, a.agent, refundId, 'resolve-dispute', {
        outcome: 'MERCHANT_FAVOUR',
        note,
        internalNote,
      });

      const seen = [
        await readCase(t, a.customer, caseId, '/messages'),
        await readCase(t, a.customer, caseId, '/history'),
        await readCase(t, a.customer, caseId),
        await getRefund(t, a.customer, refundId),
        await getRefund(t, a.merchant, refundId),
        await timeline(t, a.customer, refundId),
        await timeline(t, a.merchant, refundId),
        (await t.http.get('/v1/events').set('Authorization', a.customer)).body,
        (await t.http.get('/v1/events').set('Authorization', a.merchant)).body,
      ];
      for (const body of seen) expect(JSON.stringify(body)).not.toContain('Courier hub ABC');
    });

    it('makes the resolving agent the assignee of an unassigned case', async () => {
      const refundId = await refundThrough(t, a, [SUBMIT, REJECT, DISPUTE]);
      const { caseId } = await getRefund(t, a.agent, refundId);
      expect((await readCase(t, a.agent, caseId)).assigneeId).toBeNull();

      await act(t, a.agent, refundId, 'resolve-dispute', { outcome: 'CUSTOMER_FAVOUR', note });

      expect(await readCase(t, a.agent, caseId)).toMatchObject({
        status: 'SOLVED',
        assigneeId: 'agt-1',
      });
    });

    it('keeps the assignee a case already has', async () => {
      const refundId = await refundThrough(t, a, [SUBMIT, REJECT, DISPUTE]);
      const { caseId } = await getRefund(t, a.agent, refundId);
      await caseAction(t, a.agent, caseId, 'assign', { agentId: 'agt-7' });

      await act(t, a.agent, refundId, 'resolve-dispute', { outcome: 'CUSTOMER_FAVOUR', note });

      expect((await readCase(t, a.agent, caseId)).assigneeId).toBe('agt-7');
    });

    it.each([
      ['an empty internal note', { internalNote: '' }],
      ['an internal note that is not text', { internalNote: 42 }],
      ['an internal note over 4000 characters', { internalNote: 'x'.repeat(4001) }],
    ])('refuses %s (400) and changes nothing', async (_what, extra) => {
      const refundId = await refundThrough(t, a, [SUBMIT, REJECT, DISPUTE]);
      const res = await act(t, a.agent, refundId, 'resolve-dispute', {
        outcome: 'CUSTOMER_FAVOUR',
        note,
        ...extra,
      });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
      expect((await getRefund(t, a.agent, refundId)).status).toBe('DISPUTED');
    });
  });

  /** A SUBMITTED refund of a fresh payment described as `description`, escalated by its customer. */
  async function escalatedCase(description: string | null = null, customerId = 'cus-1') {
    const transactionId = await payment(t, { description, customerId });
    const auth = customerId === 'cus-1' ? a.customer : await t.bearer('customer', customerId);
    const applied = await t.http
      .post('/v1/refunds')
      .set('Authorization', auth)
      .send({ transactionId, amount: 300_000, reasonCode: 'NOT_RECEIVED' });
    expect(applied.status).toBe(201);
    expect((await act(t, auth, applied.body.id, 'submit')).status).toBe(200);
    const res = await escalate(t, auth, applied.body.id, { message: 'Where is my money?' });
    expect(res.status).toBe(201);
    return { caseId: res.body.id as string, refundId: applied.body.id as string, transactionId };
  }

  const queue = async (query: Record<string, string | number>, auth = a.agent) => {
    const res = await t.http.get('/v1/cases').query(query).set('Authorization', auth);
    expect(res.status).toBe(200);
    return res.body as { data: Record<string, any>[]; nextCursor: string | null };
  };

  describe('the queue (GET /v1/cases)', () => {
    it('shows each case with its subject, merchant, refund status and latest activity', async () => {
      const { caseId, refundId } = await escalatedCase('Blue running shoes, size 42');

      const [row] = (await queue({ refundId })).data;
      expect(row).toMatchObject({
        id: caseId,
        subject: 'Blue running shoes, size 42',
        merchantId: 'mer-1',
        refundStatus: 'SUBMITTED',
        awaitingAgent: true,
      });
      expect(Date.parse(row.lastActivityAt)).toBeGreaterThanOrEqual(Date.parse(row.createdAt));
      // The customer sees the same on their own cases.
      const own = (await queue({ refundId }, a.customer)).data;
      expect(own[0]).toMatchObject({ subject: 'Blue running shoes, size 42', awaitingAgent: true });
    });

    it('lists only unassigned cases with unassigned=true', async () => {
      const { caseId, refundId } = await escalatedCase();
      expect((await queue({ refundId, unassigned: 'true' })).data.map((c) => c.id)).toEqual([
        caseId,
      ]);
      await caseAction(t, a.agent, caseId, 'assign', { agentId: 'agt-1' });
      expect((await queue({ refundId, unassigned: 'true' })).data).toEqual([]);
    });

    it('marks a case awaiting the agent while the customer wrote the latest public message', async () => {
      const { caseId, refundId } = await escalatedCase();
      const awaiting = async () => (await queue({ refundId })).data[0];

      const before = await awaiting();
      expect(before.awaitingAgent).toBe(true);
      await caseAction(t, a.agent, caseId, 'messages', { body: 'Looking into it.' });
      const answered = await awaiting();
      expect(answered.awaitingAgent).toBe(false);
      expect(Date.parse(answered.lastActivityAt)).toBeGreaterThan(
        Date.parse(before.lastActivityAt),
      );
      await caseAction(t, a.agent, caseId, 'messages', { body: 'Asked the shop.', internal: true });
      expect((await awaiting()).awaitingAgent).toBe(false);
      await caseAction(t, a.customer, caseId, 'messages', { body: 'Any news?' });
      expect((await awaiting()).awaitingAgent).toBe(true);
    });

    describe('sorting', () => {
      const AGENT = 'agt-sort';
      let ids: string[];
      beforeAll(async () => {
        ids = [];
        for (let i = 0; i < 3; i++) {
          const { caseId } = await escalatedCase(`Order ${i}`);
          await caseAction(t, a.agent, caseId, 'assign', { agentId: AGENT });
          ids.push(caseId);
        }
        // The oldest case has the latest activity.
        await caseAction(t, a.customer, ids[0], 'messages', { body: 'Hello again.' });
      });

      it('sorts by createdAt, newest first', async () => {
        const page = await queue({ assigneeId: AGENT, sort: 'createdAt' });
        expect(page.data.map((c) => c.id)).toEqual([ids[2], ids[1], ids[0]]);
      });

      it('sorts by lastActivityAt, newest first', async () => {
        const page = await queue({ assigneeId: AGENT, sort: 'lastActivityAt' });
        expect(page.data.map((c) => c.id)).toEqual([ids[0], ids[2], ids[1]]);
      });

      it('sorts by due, the earliest due target first', async () => {
        const page = await queue({ assigneeId: AGENT, sort: 'due' });
        const due = page.data.map((c) => Date.parse(c.firstResponseDueAt));
        expect(due).toEqual([...due].sort((x, y) => x - y));
        expect(page.data).toHaveLength(3);
      });

      it.each(['createdAt', 'lastActivityAt', 'due', 'priority'])(
        'pages through sort=%s with a cursor, without duplicates or gaps',
        async (sort) => {
          const all = (await queue({ assigneeId: AGENT, sort })).data.map((c) => c.id);
          const paged: string[] = [];
          let cursor: string | null = null;
          do {
            const page = await queue({
              assigneeId: AGENT,
              sort,
              limit: 1,
              ...(cursor ? { cursor } : {}),
            });
            paged.push(...page.data.map((c) => c.id));
            cursor = page.nextCursor;
          } while (cursor && paged.length < 10);
          expect(paged).toEqual(all);
        },
      );

      it('refuses an unknown sort, and a cursor of another sort (400)', async () => {
        const unknown = await t.http
          .get('/v1/cases')
          .query({ sort: 'amount' })
          .set('Authorization', a.agent);
        expect(unknown.status).toBe(400);
        expect(unknown.body.code).toBe('VALIDATION_FAILED');

        const { nextCursor } = await queue({ assigneeId: AGENT, sort: 'createdAt', limit: 1 });
        const mixed = await t.http
          .get('/v1/cases')
          .query({ assigneeId: AGENT, sort: 'lastActivityAt', cursor: nextCursor! })
          .set('Authorization', a.agent);
        expect(mixed.status).toBe(400);
        expect(mixed.body.errors).toEqual([{ field: 'cursor', message: expect.any(String) }]);
      });
    });
  });

  describe("the views' counts (GET /v1/cases/counts)", () => {
    const counts = async (auth = a.agent) => {
      const res = await t.http.get('/v1/cases/counts').set('Authorization', auth);
      expect(res.status).toBe(200);
      return res.body as Record<string, number>;
    };

    it('counts the open cases of each view in one answer', async () => {
      const before = await counts();
      expect(Object.keys(before).sort()).toEqual(
        ['breached', 'disputes', 'mine', 'stolenWallet', 'unassigned'].sort(),
      );

      const refundId = await refundThrough(t, a, [SUBMIT, REJECT, DISPUTE]);
      const { caseId } = await getRefund(t, a.agent, refundId);
      expect(await counts()).toEqual({
        ...before,
        unassigned: before.unassigned + 1,
        disputes: before.disputes + 1,
      });

      await caseAction(t, a.agent, caseId, 'assign', { agentId: 'agt-1' });
      await t.query(
        `UPDATE support_cases SET first_response_due_at = now() - interval '1 hour',
                reason = 'UNAUTHORIZED_TRANSACTION' WHERE id = $1`,
        [caseId],
      );
      expect(await counts()).toEqual({
        ...before,
        mine: before.mine + 1,
        breached: before.breached + 1,
        stolenWallet: before.stolenWallet + 1,
      });
      // Another agent's "mine" is theirs.
      expect((await counts(await t.bearer('agent', 'agt-other'))).mine).toBe(0);
    });

    it('answers agents only (customers 403)', async () => {
      const res = await t.http.get('/v1/cases/counts').set('Authorization', a.customer);
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('FORBIDDEN');
    });
  });

  describe('search (GET /v1/search)', () => {
    const search = async (q: string, auth = a.agent) => {
      const res = await t.http.get('/v1/search').query({ q }).set('Authorization', auth);
      expect(res.status).toBe(200);
      return res.body as Record<
        'cases' | 'refunds' | 'payments' | 'customers' | 'merchants',
        any[]
      >;
    };

    it('finds a case, a refund and a payment by the first 8 characters of their ids', async () => {
      const { caseId, refundId, transactionId } = await escalatedCase('Kettle, stainless steel');

      expect((await search(caseId.slice(0, 8))).cases.map((c) => c.id)).toContain(caseId);
      expect((await search(caseId.slice(0, 8).toUpperCase())).cases.map((c) => c.id)).toContain(
        caseId,
      );
      expect((await search(refundId.slice(0, 8))).refunds.map((r) => r.id)).toContain(refundId);
      expect((await search(transactionId.slice(0, 11))).payments.map((p) => p.id)).toContain(
        transactionId,
      );
      expect((await search(transactionId)).payments).toMatchObject([{ id: transactionId }]);
      const found = await search(caseId);
      expect(found.cases).toMatchObject([{ id: caseId, subject: 'Kettle, stainless steel' }]);
    });

    it('does not match ids on fewer than 8 characters', async () => {
      const { caseId, refundId } = await escalatedCase();
      const found = await search(caseId.slice(0, 7));
      expect(found.cases).toEqual([]);
      expect((await search(refundId.slice(0, 7))).refunds).toEqual([]);
    });

    it('finds the customer and the merchant with the exact id', async () => {
      await escalatedCase(null, 'cus-search');
      expect(await search('cus-search')).toMatchObject({
        customers: [{ id: 'cus-search' }],
        merchants: [],
      });
      expect((await search('mer-1')).merchants).toEqual([{ id: 'mer-1' }]);
      expect((await search('cus-sear')).customers).toEqual([]);
    });

    it('finds payments whose description contains every word, in any case and order', async () => {
      const match = await payment(t, { description: 'Wireless headphones, noise cancelling' });
      const other = await payment(t, { description: 'Wireless mouse' });
      const found = (await search('HEADPHONES wireless')).payments.map((p) => p.id);
      expect(found).toContain(match);
      expect(found).not.toContain(other);
      // LIKE's wildcards are plain characters.
      expect((await search('%')).payments).toEqual([]);
      expect((await search('_')).payments).toEqual([]);
    });

    it('answers at most 20 of each, newest first', async () => {
      const ids: string[] = [];
      for (let i = 0; i < 22; i++) {
        ids.push(
          await payment(t, {
            id: `TX-MANY-${String(i).padStart(2, '0')}`,
            description: `Umbrella ${i}`,
          }),
        );
        await t.query(
          `UPDATE transactions SET created_at = now() + ($2 || ' seconds')::interval WHERE id = $1`,
          [ids[i], i],
        );
      }
      const found = (await search('umbrella')).payments.map((p) => p.id);
      expect(found).toEqual(ids.slice(2).reverse());
    });

    it.each([
      ['no q', {}],
      ['an empty q', { q: '' }],
      ['a q over 200 characters', { q: 'x'.repeat(201) }],
      ['a q with a NUL character', { q: 'TX\u0000' }],
    ])('refuses %s (400)', async (_what, query) => {
      const res = await t.http.get('/v1/search').query(query).set('Authorization', a.agent);
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
    });

    it.each(['customer', 'merchant', 'system'] as const)(
      'answers agents only (%s 403)',
      async (who) => {
        const auth = { customer: a.customer, merchant: a.merchant, system: a.system }[who];
        const res = await t.http.get('/v1/search').query({ q: 'cus-1' }).set('Authorization', auth);
        expect(res.status).toBe(403);
      },
    );
  });

  describe('the customer at a glance (GET /v1/customers/:id)', () => {
    it('shows their payments, refunds and cases, newest first', async () => {
      const first = await escalatedCase('First order', 'cus-glance');
      const second = await escalatedCase('Second order', 'cus-glance');
      await payment(t, { customerId: 'cus-other', description: 'Not theirs' });

      const res = await t.http.get('/v1/customers/cus-glance').set('Authorization', a.agent);
      expect(res.status).toBe(200);
      expect(res.body.id).toBe('cus-glance');
      expect(res.body.payments.map((p: any) => p.id)).toEqual([
        second.transactionId,
        first.transactionId,
      ]);
      expect(res.body.refunds.map((r: any) => r.id)).toEqual([second.refundId, first.refundId]);
      expect(res.body.cases.map((c: any) => c.id)).toEqual([second.caseId, first.caseId]);
      expect(res.body.cases[0]).toMatchObject({ subject: 'Second order', merchantId: 'mer-1' });
    });

    it('shows their open security report and payout hold, and neither once released', async () => {
      const customerId = 'cus-glance-stolen';
      const stolen = await payment(t, { customerId, description: 'Not me' });
      const calm = await t.http.get('/v1/customers/cus-glance').set('Authorization', a.agent);
      expect(calm.body).toMatchObject({ securityReport: null, payoutHold: null });

      const filed = await t.http
        .post('/v1/security-reports')
        .set('Authorization', await t.bearer('customer', customerId))
        .send({ description: 'My phone was stolen.', transactionIds: [stolen] });
      expect(filed.status).toBe(201);

      const held = await t.http.get(`/v1/customers/${customerId}`).set('Authorization', a.agent);
      expect(held.status).toBe(200);
      expect(held.body.securityReport).toMatchObject({
        id: filed.body.id,
        status: 'OPEN',
        caseId: filed.body.caseId,
        transactionIds: [stolen],
        payoutHold: { active: true },
      });
      expect(held.body.payoutHold).toEqual({
        securityReportId: filed.body.id,
        placedAt: expect.any(String),
      });

      const released = await t.http
        .post(`/v1/security-reports/${filed.body.id}/release`)
        .set('Authorization', a.agent)
        .send({ note: 'Customer verified on the phone.' });
      expect(released.status).toBe(200);
      const after = await t.http.get(`/v1/customers/${customerId}`).set('Authorization', a.agent);
      expect(after.body).toMatchObject({ securityReport: null, payoutHold: null });
    });

    it('answers 404 for a customer nothing is known of', async () => {
      const res = await t.http.get('/v1/customers/cus-nobody').set('Authorization', a.agent);
      expect(res.status).toBe(404);
      expect(res.body.code).toBe('NOT_FOUND');
    });

    it('answers agents only: a customer may not read even their own page (403)', async () => {
      const res = await t.http.get('/v1/customers/cus-1').set('Authorization', a.customer);
      expect(res.status).toBe(403);
    });
  });

  describe('the attention list (GET /v1/refunds?attention=true)', () => {
    it('lists failed payouts without an open case, and no others', async () => {
      const failed = await refundIn(t, 'PAYOUT_FAILED');
      const withCase = await refundIn(t, 'PAYOUT_FAILED');
      const approved = await refundIn(t, 'APPROVED');
      const escalated = await escalate(t, a.customer, withCase, { message: 'Money never came.' });
      expect(escalated.status).toBe(201);

      const res = await t.http
        .get('/v1/refunds')
        .query({ attention: 'true', limit: 100 })
        .set('Authorization', a.agent);
      expect(res.status).toBe(200);
      const ids = res.body.data.map((r: any) => r.id);
      expect(ids).toContain(failed);
      expect(ids).not.toContain(withCase);
      expect(ids).not.toContain(approved);
      expect(res.body.data.every((r: any) => r.status === 'PAYOUT_FAILED')).toBe(true);

      // Once its case is solved, the failed payout needs attention again.
      await caseAction(t, a.agent, escalated.body.id, 'solve');
      const again = await t.http
        .get('/v1/refunds')
        .query({ attention: 'true', limit: 100 })
        .set('Authorization', a.agent);
      expect(again.body.data.map((r: any) => r.id)).toContain(withCase);
    });

    it("lists approved refunds while their customer's payouts are held, until the release", async () => {
      const customerId = 'cus-attention-held';
      const held = await refundIn(t, 'APPROVED', {
        transactionId: await payment(t, { customerId }),
      });
      const notHeld = await refundIn(t, 'APPROVED');
      const attention = async () =>
        (
          await t.http
            .get('/v1/refunds')
            .query({ attention: 'true', limit: 100 })
            .set('Authorization', a.agent)
        ).body.data.map((r: any) => r.id);
      expect(await attention()).not.toContain(held);

      const filed = await t.http
        .post('/v1/security-reports')
        .set('Authorization', a.agent)
        .send({ customerId, description: 'Customer called: phone stolen.' });
      expect(filed.status).toBe(201);
      const listed = await attention();
      expect(listed).toContain(held);
      expect(listed).not.toContain(notHeld);

      await t.http
        .post(`/v1/security-reports/${filed.body.id}/release`)
        .set('Authorization', a.agent)
        .send({ note: 'Identity confirmed.' });
      expect(await attention()).not.toContain(held);
    });

    it.each(['customer', 'merchant'] as const)('answers agents only (%s 403)', async (who) => {
      const res = await t.http
        .get('/v1/refunds')
        .query({ attention: 'true' })
        .set('Authorization', a[who]);
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('FORBIDDEN');
    });
  });

  describe('macros (/v1/macros)', () => {
    const create = (body: Record<string, unknown>, auth = a.agent) =>
      t.http.post('/v1/macros').set('Authorization', auth).send(body);

    it('saves, lists, changes and deletes a macro', async () => {
      const created = await create({ title: 'Zz approved', body: 'Approved: {{refund.amount}}.' });
      expect(created.status).toBe(201);
      expect(created.body).toEqual({
        id: expect.any(String),
        title: 'Zz approved',
        body: 'Approved: {{refund.amount}}.',
        internal: false,
        createdBy: 'agt-1',
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      });
      const id = created.body.id;

      const changed = await t.http
        .patch(`/v1/macros/${id}`)
        .set('Authorization', a.agent)
        .send({ title: 'Zz approved (internal)', internal: true });
      expect(changed.status).toBe(200);
      expect(changed.body).toMatchObject({ title: 'Zz approved (internal)', internal: true });

      const listed = await t.http.get('/v1/macros').set('Authorization', a.agent);
      expect(listed.status).toBe(200);
      expect(listed.body.find((m: any) => m.id === id)).toEqual(changed.body);
      const titles = listed.body.map((m: any) => m.title);
      expect(titles).toEqual([...titles].sort());

      const deleted = await t.http.delete(`/v1/macros/${id}`).set('Authorization', a.agent);
      expect(deleted.status).toBe(204);
      const again = await t.http.delete(`/v1/macros/${id}`).set('Authorization', a.agent);
      expect(again.status).toBe(404);
      const gone = await t.http.get('/v1/macros').set('Authorization', a.agent);
      expect(gone.body.map((m: any) => m.id)).not.toContain(id);
    });

    it.each([
      ['an unknown placeholder', { title: 'T', body: 'Hi {{customer.name}}' }],
      ['no title', { body: 'Hello' }],
      ['an empty body', { title: 'T', body: '' }],
      ['internal that is not a boolean', { title: 'T', body: 'B', internal: 'yes' }],
      ['an unknown field', { title: 'T', body: 'B', shared: true }],
    ])('refuses %s (400)', async (_what, body) => {
      const res = await create(body);
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
    });

    it('refuses an unknown placeholder in a change, and a change of no macro (404)', async () => {
      const { body: macro } = await create({ title: 'T', body: 'B' });
      const bad = await t.http
        .patch(`/v1/macros/${macro.id}`)
        .set('Authorization', a.agent)
        .send({ body: '{{refund.amont}}' });
      expect(bad.status).toBe(400);
      expect(bad.body.errors).toEqual([
        { field: 'body', message: 'unknown placeholder {{refund.amont}}' },
      ]);
      for (const id of ['00000000-0000-4000-8000-000000000000', 'not-a-uuid']) {
        const missing = await t.http
          .patch(`/v1/macros/${id}`)
          .set('Authorization', a.agent)
          .send({ title: 'X' });
        expect(missing.status).toBe(404);
      }
    });

    it.each(['customer', 'merchant', 'system'] as const)(
      'answers agents only (%s 403)',
      async (who) => {
        expect((await t.http.get('/v1/macros').set('Authorization', a[who])).status).toBe(403);
        expect((await create({ title: 'T', body: 'B' }, a[who])).status).toBe(403);
      },
    );

    describe('posted on a case (POST /v1/cases/:id/messages {macroId})', () => {
      it('posts the rendered text as a public message', async () => {
        const { caseId, refundId } = await escalatedCase();
        const refund = await getRefund(t, a.agent, refundId);
        const { body: macro } = await create({
          title: 'Status',
          body: 'Hi {{customer.id}}: {{refund.amount}} is reviewed by {{refund.reviewDueAt}} (case {{case.id}}).',
        });

        const res = await caseAction(t, a.agent, caseId, 'messages', { macroId: macro.id });
        expect(res.status).toBe(200);
        expect(res.body.firstRespondedAt).not.toBeNull();

        const due = `${refund.reviewDueAt.slice(0, 16).replace('T', ' ')} UTC`;
        const messages = await readCase(t, a.customer, caseId, '/messages');
        expect(messages.at(-1)).toMatchObject({
          body: `Hi cus-1: IDR 3,000.00 is reviewed by ${due} (case ${caseId}).`,
          internal: false,
          author: { role: 'agent', id: 'agt-1' },
        });
      });

      it('posts an internal macro as an internal note the customer never sees', async () => {
        const { caseId } = await escalatedCase();
        const { body: macro } = await create({
          title: 'Checklist',
          body: 'Checked the ledger for {{customer.id}}.',
          internal: true,
        });
        await caseAction(t, a.agent, caseId, 'messages', { macroId: macro.id, internal: false });

        const forAgents = await readCase(t, a.agent, caseId, '/messages');
        expect(forAgents.at(-1)).toMatchObject({
          body: 'Checked the ledger for cus-1.',
          internal: true,
        });
        const forCustomer = await readCase(t, a.customer, caseId, '/messages');
        expect(JSON.stringify(forCustomer)).not.toContain('Checked the ledger');
      });

      it('refuses a body and a macro together, and neither (400)', async () => {
        const { caseId } = await escalatedCase();
        const { body: macro } = await create({ title: 'T', body: 'B' });
        for (const body of [{ body: 'Hi', macroId: macro.id }, {}]) {
          const res = await caseAction(t, a.agent, caseId, 'messages', body);
          expect(res.status).toBe(400);
          expect(res.body.code).toBe('VALIDATION_FAILED');
        }
      });

      it('refuses a macro that does not exist (404) and a customer posting one (403)', async () => {
        const { caseId } = await escalatedCase();
        const missing = await caseAction(t, a.agent, caseId, 'messages', {
          macroId: '00000000-0000-4000-8000-000000000000',
        });
        expect(missing.status).toBe(404);
        const { body: macro } = await create({ title: 'T', body: 'B' });
        const byCustomer = await caseAction(t, a.customer, caseId, 'messages', {
          macroId: macro.id,
        });
        expect(byCustomer.status).toBe(403);
        expect(await readCase(t, a.agent, caseId, '/messages')).toHaveLength(1);
      });
    });
    describe('read for a case (GET /v1/cases/:id/macros/:macroId)', () => {
      const read = (caseId: string, macroId: string, auth = a.agent) =>
        t.http.get(`/v1/cases/${caseId}/macros/${macroId}`).set('Authorization', auth);

      it('answers the text posting it would post, and posts nothing', async () => {
        const { caseId } = await escalatedCase();
        const { body: macro } = await create({
          title: 'Decision',
          body: 'Dear {{customer.id}}, we refund {{refund.amount}} (case {{case.id}}).',
        });

        const res = await read(caseId, macro.id);
        expect(res.status).toBe(200);
        expect(res.body).toEqual({
          macroId: macro.id,
          title: 'Decision',
          body: `Dear cus-1, we refund IDR 3,000.00 (case ${caseId}).`,
          internal: false,
        });
        expect(await readCase(t, a.agent, caseId, '/messages')).toHaveLength(1);
        // Posting it posts exactly that text.
        await caseAction(t, a.agent, caseId, 'messages', { macroId: macro.id });
        expect((await readCase(t, a.customer, caseId, '/messages')).at(-1).body).toBe(
          res.body.body,
        );
      });

      it('answers 404 for no such macro or case, and agents only (customer 403)', async () => {
        const { caseId } = await escalatedCase();
        const { body: macro } = await create({ title: 'T', body: 'B' });
        const none = '00000000-0000-4000-8000-000000000000';
        for (const [c, m] of [
          [caseId, none],
          [caseId, 'not-a-uuid'],
          [none, macro.id],
        ]) {
          const res = await read(c, m);
          expect([c, m, res.status, res.body.code]).toEqual([c, m, 404, 'NOT_FOUND']);
        }
        expect((await read(caseId, macro.id, a.customer)).status).toBe(403);
      });
    });
  });

  describe('presence (POST /v1/cases/:id/presence)', () => {
    const beat = (caseId: string, auth: string) =>
      t.http.post(`/v1/cases/${caseId}/presence`).set('Authorization', auth).send({});

    it('answers the agents who have the case open, and forgets them after 30 s', async () => {
      const { caseId } = await escalatedCase();
      const other = await t.bearer('agent', 'agt-2');

      const first = await beat(caseId, a.agent);
      expect(first.status).toBe(200);
      expect(first.body).toEqual({ viewers: ['agt-1'] });
      expect((await beat(caseId, other)).body).toEqual({ viewers: ['agt-1', 'agt-2'] });
      expect((await beat(caseId, other)).body).toEqual({ viewers: ['agt-1', 'agt-2'] });

      await t.query(
        `UPDATE case_presence SET seen_at = now() - interval '31 seconds'
            WHERE case_id = $1 AND agent_id = 'agt-1'`,
        [caseId],
      );
      expect((await beat(caseId, other)).body).toEqual({ viewers: ['agt-2'] });
    });

    it("keeps each case's viewers apart", async () => {
      const one = await escalatedCase();
      const two = await escalatedCase();
      await beat(one.caseId, await t.bearer('agent', 'agt-3'));
      expect((await beat(two.caseId, a.agent)).body).toEqual({ viewers: ['agt-1'] });
    });

    it('answers agents only (403), and 404 for a case that does not exist', async () => {
      const { caseId } = await escalatedCase();
      expect((await beat(caseId, a.customer)).status).toBe(403);
      expect((await beat(caseId, a.merchant)).status).toBe(403);
      expect((await beat('00000000-0000-4000-8000-000000000000', a.agent)).status).toBe(404);
    });
  });
});
