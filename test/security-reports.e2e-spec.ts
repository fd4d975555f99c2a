import { Client } from 'pg';
import { WebhookDeliveryService } from '../apps/api/src/webhooks/webhook-delivery.service';
import { startTestApp, TestApp } from './support/app';
import { eventually, sleep, stopScheduler } from './support/cases';
import { payment, refundIn } from './support/fixtures';
import { act, actors, Actors } from './support/refunds';
import { Receiver, startReceiver } from './support/webhook-receiver';

/** Receivers run on loopback; retries are quick. */
const ENV = {
  WEBHOOK_ALLOW_PRIVATE_URLS: 'true',
  WEBHOOK_TIMEOUT_SECONDS: '0.5',
  WEBHOOK_RETRY_BASE_SECONDS: '0.1',
  WEBHOOK_RETRY_HOURS: '0.01',
};

const STEPS = [
  'CHANGE_PASSWORD',
  'ENABLE_TWO_FACTOR',
  'REVIEW_ACCOUNT_ACTIVITY',
  'REPLACE_LINKED_BANK_CARD',
  'AVOID_PUBLIC_WIFI',
];

describe('security reports: the stolen wallet', () => {
  let t: TestApp;
  let a: Actors;
  let n = 0;
  /** A customer of their own for each test: a report holds all of a customer's payouts. */
  const customer = async () => {
    const id = `cus-sr-${++n}`;
    return { id, auth: await t.bearer('customer', id) };
  };
  const file = (auth: string, body: Record<string, unknown>) =>
    t.http.post('/v1/security-reports').set('Authorization', auth).send(body);
  const count = async (table: string) =>
    Number((await t.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`))[0].n);

  beforeAll(async () => {
    t = await startTestApp(ENV);
    await stopScheduler(t.app);
    a = await actors(t);
  });
  afterAll(() => t.close());

  describe('filing', () => {
    it('opens one URGENT case of its own, submits a refund of each refundable payment, holds payouts and records two events', async () => {
      const me = await customer();
      const partly = await payment(t, { customerId: me.id, amount: 1_000_000 });
      const untouched = await payment(t, { customerId: me.id, amount: 250_000 });
      const spent = await payment(t, { customerId: me.id, amount: 300_000 });
      // Existing refunds are left as they are: 300,000 of `partly`, all of `spent`.
      const earlier = await refundIn(t, 'SUBMITTED', { transactionId: partly });
      await refundIn(t, 'UNDER_REVIEW', { transactionId: spent, amount: 300_000 });

      const res = await file(me.auth, {
        description: 'My phone was stolen last night. Secret detail for support only.',
        transactionIds: [partly, untouched, spent],
      });
      expect(res.status).toBe(201);
      const report = res.body;
      expect(report).toMatchObject({
        customerId: me.id,
        status: 'OPEN',
        transactionIds: [partly, untouched, spent],
        payoutHold: { active: true, releasedAt: null, releasedBy: null },
      });
      expect(report.recommendedSteps.map((s: { code: string }) => s.code)).toEqual(STEPS);
      expect(report.recommendedSteps.every((s: { text: string }) => s.text.length > 10)).toBe(true);
      expect(report.refundIds).toHaveLength(2);

      const supportCase = await t.http
        .get(`/v1/cases/${report.caseId}`)
        .set('Authorization', a.agent);
      expect(supportCase.body).toMatchObject({
        reason: 'ACCOUNT_COMPROMISED',
        priority: 'URGENT',
        refundId: null,
        securityReportId: report.id,
        customerId: me.id,
        channel: 'IN_APP_CHAT',
      });

      const refunds = await Promise.all(
        report.refundIds.map((id: string) =>
          t.http.get(`/v1/refunds/${id}`).set('Authorization', a.agent),
        ),
      );
      expect(refunds.map((r) => [r.body.transactionId, r.body.amount])).toEqual([
        [partly, 700_000],
        [untouched, 250_000],
      ]);
      for (const refund of refunds) {
        expect(refund.body).toMatchObject({
          status: 'SUBMITTED',
          version: 2,
          reasonCode: 'UNAUTHORIZED_TRANSACTION',
          description: null,
          caseId: null,
          securityReportId: report.id,
          payoutHeld: true,
        });
        const timeline = await t.http
          .get(`/v1/refunds/${refund.body.id}/events`)
          .set('Authorization', a.agent);
        expect(
          timeline.body.map((e: any) => [e.action, e.toStatus, e.actor.role, e.actor.id]),
        ).toEqual([
          ['apply', 'DRAFT', 'customer', me.id],
          ['submit', 'SUBMITTED', 'customer', me.id],
        ]);
      }
      // The merchant reads the refunds but never the customer's account of the theft.
      const asMerchant = await t.http
        .get(`/v1/refunds/${report.refundIds[0]}`)
        .set('Authorization', a.merchant);
      expect(JSON.stringify(asMerchant.body)).not.toContain('Secret detail');
      // Refunds that were there keep their amounts and show the hold too.
      const kept = await t.http.get(`/v1/refunds/${earlier}`).set('Authorization', a.agent);
      expect(kept.body).toMatchObject({
        amount: 300_000,
        status: 'SUBMITTED',
        payoutHeld: true,
        securityReportId: report.id,
      });

      const events = await t.http.get('/v1/events?limit=100').set('Authorization', a.system);
      const mine = events.body.data.filter(
        (e: any) => e.type.startsWith('security-report.') || e.type.startsWith('customer.'),
      );
      expect(mine.map((e: any) => e.type)).toEqual([
        'customer.payout-hold.placed',
        'security-report.opened',
      ]);
      expect(mine[1].data).toEqual(report);
      // No URGENT case per refund: the report is their case.
      const cases = await t.http
        .get(`/v1/cases?reason=UNAUTHORIZED_TRANSACTION`)
        .set('Authorization', a.agent);
      expect(cases.body.data.filter((c: any) => c.customerId === me.id)).toEqual([]);
    });

    it("naming another customer's payment answers 404 and writes nothing", async () => {
      const me = await customer();
      const mine = await payment(t, { customerId: me.id });
      const theirs = await payment(t, { customerId: 'cus-someone-else' });
      const before = await Promise.all(
        ['security_reports', 'refunds', 'support_cases', 'events', 'payout_holds'].map(count),
      );
      const res = await file(me.auth, { description: 'Stolen', transactionIds: [mine, theirs] });
      expect([res.status, res.body.code]).toEqual([404, 'NOT_FOUND']);
      const missing = await file(me.auth, { description: 'Stolen', transactionIds: ['TX-nope'] });
      expect(missing.status).toBe(404);
      const after = await Promise.all(
        ['security_reports', 'refunds', 'support_cases', 'events', 'payout_holds'].map(count),
      );
      expect(after).toEqual(before);
    });

    it('refuses malformed reports with 400 and other roles with 403', async () => {
      const me = await customer();
      const ids = Array.from({ length: 51 }, (_, i) => `TX-${i}`);
      for (const body of [
        { description: 'Stolen', transactionIds: ids },
        { description: 'Stolen', transactionIds: ['TX-1', 'TX-1'] },
        { description: 'Stolen', customerId: me.id },
        { description: '' },
        { description: 'Stolen', extra: true },
      ]) {
        const res = await file(me.auth, body);
        expect([JSON.stringify(body).slice(0, 40), res.status, res.body.code]).toEqual([
          JSON.stringify(body).slice(0, 40),
          400,
          'VALIDATION_FAILED',
        ]);
      }
      const agentWithout = await file(a.agent, { description: 'Caller says stolen' });
      expect(agentWithout.status).toBe(400);
      expect((await file(a.merchant, { description: 'x' })).status).toBe(403);
      expect((await file(a.system, { description: 'x' })).status).toBe(403);
      expect(
        await t.query('SELECT id FROM security_reports WHERE customer_id = $1', [me.id]),
      ).toEqual([]);
    });

    it('an agent files on the hotline for the customer who called', async () => {
      const me = await customer();
      const paid = await payment(t, { customerId: me.id });
      const res = await file(a.agent, {
        description: 'Caller reports a stolen phone.',
        customerId: me.id,
        transactionIds: [paid],
      });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ customerId: me.id, transactionIds: [paid] });
      const supportCase = await t.http
        .get(`/v1/cases/${res.body.caseId}`)
        .set('Authorization', me.auth);
      expect(supportCase.body).toMatchObject({ channel: 'HOTLINE', customerId: me.id });
      const refund = await t.http
        .get(`/v1/refunds/${res.body.refundIds[0]}/events`)
        .set('Authorization', a.agent);
      expect(refund.body[0].actor).toEqual({ role: 'agent', id: 'agt-1' });
    });

    it('a second report while one is OPEN joins it: 200, its payments grow', async () => {
      const me = await customer();
      const first = await payment(t, { customerId: me.id });
      const second = await payment(t, { customerId: me.id });
      const opened = await file(me.auth, { description: 'Stolen', transactionIds: [first] });
      const joined = await file(me.auth, {
        description: 'I found another one.',
        transactionIds: [first, second],
      });
      expect(joined.status).toBe(200);
      expect(joined.body).toMatchObject({
        id: opened.body.id,
        caseId: opened.body.caseId,
        transactionIds: [first, second],
      });
      expect(joined.body.refundIds).toHaveLength(2);
      expect(joined.body.refundIds[0]).toBe(opened.body.refundIds[0]);
      const reports = await t.http.get('/v1/security-reports').set('Authorization', me.auth);
      expect(reports.body.data).toHaveLength(1);
    });

    it('two reports filed at once by one customer leave one OPEN report', async () => {
      for (let round = 0; round < 3; round++) {
        const me = await customer();
        const paid = await Promise.all([1, 2, 3, 4].map(() => payment(t, { customerId: me.id })));
        const answers = await Promise.all(
          paid.map((id) => file(me.auth, { description: 'Stolen!', transactionIds: [id] })),
        );
        expect(answers.map((r) => r.status).sort()).toEqual([200, 200, 200, 201]);
        const rows = await t.query<{ transaction_ids: string[] }>(
          'SELECT transaction_ids FROM security_reports WHERE customer_id = $1',
          [me.id],
        );
        expect(rows).toHaveLength(1);
        expect([...rows[0].transaction_ids].sort()).toEqual([...paid].sort());
        const cases = await t.query(
          "SELECT id FROM support_cases WHERE customer_id = $1 AND reason = 'ACCOUNT_COMPROMISED'",
          [me.id],
        );
        expect(cases).toHaveLength(1);
      }
    });

    it('a retry with the same Idempotency-Key answers the first answer and files nothing more', async () => {
      const me = await customer();
      const paid = await payment(t, { customerId: me.id });
      const send = () =>
        t.http
          .post('/v1/security-reports')
          .set('Authorization', me.auth)
          .set('Idempotency-Key', `report-${me.id}`)
          .send({ description: 'Stolen', transactionIds: [paid] });
      const first = await send();
      const again = await send();
      expect([first.status, again.status]).toEqual([201, 201]);
      expect(again.body).toEqual(first.body);
      const rows = await t.query('SELECT id FROM refunds WHERE customer_id = $1', [me.id]);
      expect(rows).toHaveLength(1);
    });

    it("the report's case is its own: a refund's escalation opens another case", async () => {
      const me = await customer();
      const paid = await payment(t, { customerId: me.id });
      const report = (await file(me.auth, { description: 'Stolen', transactionIds: [paid] })).body;
      const escalated = await t.http
        .post(`/v1/refunds/${report.refundIds[0]}/escalate`)
        .set('Authorization', me.auth)
        .send({ message: 'Please hurry.' });
      expect(escalated.status).toBe(201);
      expect(escalated.body.id).not.toBe(report.caseId);
      expect(escalated.body.reason).toBe('CUSTOMER_REQUEST');
      const own = await t.http.get(`/v1/cases/${report.caseId}`).set('Authorization', a.agent);
      expect(own.body).toMatchObject({ reason: 'ACCOUNT_COMPROMISED', refundId: null });
    });
  });

  describe('who sees reports', () => {
    it('customers see their own, agents and the system all, merchants none', async () => {
      const me = await customer();
      const other = await customer();
      const mine = (await file(me.auth, { description: 'Mine' })).body;
      const theirs = (await file(other.auth, { description: 'Theirs' })).body;

      const own = await t.http.get('/v1/security-reports').set('Authorization', me.auth);
      expect(own.body.data.map((r: { id: string }) => r.id)).toEqual([mine.id]);
      const foreign = await t.http
        .get(`/v1/security-reports/${theirs.id}`)
        .set('Authorization', me.auth);
      expect([foreign.status, foreign.body.code]).toEqual([404, 'NOT_FOUND']);
      for (const path of ['/v1/security-reports', `/v1/security-reports/${mine.id}`]) {
        const res = await t.http.get(path).set('Authorization', a.merchant);
        expect([path, res.status]).toEqual([path, 403]);
      }
      for (const auth of [a.agent, a.system]) {
        const one = await t.http.get(`/v1/security-reports/${mine.id}`).set('Authorization', auth);
        expect(one.body).toEqual(mine);
      }
      const missing = await t.http
        .get('/v1/security-reports/not-a-uuid')
        .set('Authorization', a.agent);
      expect(missing.status).toBe(404);
      // The merchant's events never include a customer's report.
      const events = await t.http.get('/v1/events?limit=100').set('Authorization', a.merchant);
      expect(events.body.data.filter((e: any) => !e.type.startsWith('refund.'))).toEqual([]);
      const customerEvents = await t.http
        .get('/v1/events?type=security-report.opened')
        .set('Authorization', me.auth);
      expect(customerEvents.body.data.map((e: any) => e.data.id)).toEqual([mine.id]);
    });

    it('lists newest first, cursor-paginated', async () => {
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) {
        const me = await customer();
        ids.unshift((await file(me.auth, { description: `Report ${i}` })).body.id);
      }
      const first = await t.http.get('/v1/security-reports?limit=2').set('Authorization', a.agent);
      expect(first.body.data.map((r: { id: string }) => r.id)).toEqual(ids.slice(0, 2));
      const second = await t.http
        .get(`/v1/security-reports?limit=2&cursor=${first.body.nextCursor}`)
        .set('Authorization', a.agent);
      expect(second.body.data[0].id).toBe(ids[2]);
      const bad = await t.http.get('/v1/security-reports?cursor=zzz').set('Authorization', a.agent);
      expect(bad.status).toBe(400);
    });
  });

  describe('the payout hold', () => {
    /** A refund of the customer in `status`, with a payment of their own. */
    const refundOf = async (
      customerId: string,
      status: 'APPROVED' | 'PAYOUT_PENDING' | 'PAYOUT_FAILED',
    ) => refundIn(t, status, { transactionId: await payment(t, { customerId }) });

    it('refuses start-payout and payout from APPROVED with 409 PAYOUT_HELD, changing nothing; nextActions offers neither', async () => {
      const me = await customer();
      const approved = await refundOf(me.id, 'APPROVED');
      await file(me.auth, { description: 'Stolen' });
      for (const [action, body] of [
        ['start-payout', {}],
        ['payout', { result: 'SUCCEEDED', reference: 'PO-1' }],
      ] as const) {
        const res = await act(t, a.system, approved, action, body);
        expect([action, res.status, res.body.code]).toEqual([action, 409, 'PAYOUT_HELD']);
      }
      const after = await t.http.get(`/v1/refunds/${approved}`).set('Authorization', a.system);
      expect(after.body).toMatchObject({ status: 'APPROVED', version: 1, payoutHeld: true });
      expect(after.body.nextActions).toEqual([]);
      const timeline = await t.http
        .get(`/v1/refunds/${approved}/events`)
        .set('Authorization', a.agent);
      expect(timeline.body).toEqual([]);
    });

    it('records the result of a payout started before the hold, with an internal note on the case', async () => {
      const me = await customer();
      const pending = await refundOf(me.id, 'PAYOUT_PENDING');
      const report = (await file(me.auth, { description: 'Stolen' })).body;
      const seen = await t.http.get(`/v1/refunds/${pending}`).set('Authorization', a.system);
      expect(seen.body.nextActions).toEqual(['payout']);
      const paid = await act(t, a.system, pending, 'payout', {
        result: 'SUCCEEDED',
        reference: 'PO-EARLY',
      });
      expect(paid.status).toBe(200);
      expect(paid.body).toMatchObject({ status: 'REFUNDED', payoutHeld: true });

      const asAgent = await t.http
        .get(`/v1/cases/${report.caseId}/messages`)
        .set('Authorization', a.agent);
      const note = asAgent.body.find((m: any) => m.internal);
      expect(note.body).toContain(pending);
      expect(note.body).toContain('SUCCEEDED');
      const asCustomer = await t.http
        .get(`/v1/cases/${report.caseId}/messages`)
        .set('Authorization', me.auth);
      expect(asCustomer.status).toBe(200);
      expect(asCustomer.body.every((m: any) => !m.internal)).toBe(true);
      expect(JSON.stringify(asCustomer.body)).not.toContain('PO-EARLY');
      expect(JSON.stringify(asCustomer.body)).not.toContain(pending);
    });

    it('leaves retry-payout allowed', async () => {
      const me = await customer();
      const failed = await refundOf(me.id, 'PAYOUT_FAILED');
      await file(me.auth, { description: 'Stolen' });
      const retried = await act(t, a.agent, failed, 'retry-payout');
      expect(retried.body).toMatchObject({ status: 'APPROVED', payoutHeld: true });
      expect(retried.body.nextActions).toEqual([]);
    });

    it('ends when an agent releases the report; payouts go through again', async () => {
      const me = await customer();
      const approved = await refundOf(me.id, 'APPROVED');
      const report = (await file(me.auth, { description: 'Stolen' })).body;
      const release = (auth: string) =>
        t.http
          .post(`/v1/security-reports/${report.id}/release`)
          .set('Authorization', auth)
          .send({ note: 'Identity confirmed; account secured.' });
      expect((await release(me.auth)).status).toBe(403);
      expect((await release(a.merchant)).status).toBe(403);
      const empty = await t.http
        .post(`/v1/security-reports/${report.id}/release`)
        .set('Authorization', a.agent)
        .send({});
      expect(empty.status).toBe(400);

      const released = await release(a.agent);
      expect(released.status).toBe(200);
      expect(released.body).toMatchObject({
        status: 'RESOLVED',
        payoutHold: { active: false, releasedBy: { role: 'agent', id: 'agt-1' } },
      });
      expect(released.body.payoutHold.releasedAt).toEqual(expect.any(String));
      expect((await release(a.agent)).body.code).toBe('INVALID_TRANSITION');

      const seen = await t.http.get(`/v1/refunds/${approved}`).set('Authorization', a.system);
      expect(seen.body).toMatchObject({ payoutHeld: false, securityReportId: null });
      expect(seen.body.nextActions).toEqual(['start-payout', 'payout']);
      const started = await act(t, a.system, approved, 'start-payout');
      expect(started.body.status).toBe('PAYOUT_PENDING');

      const events = await t.http.get('/v1/events?limit=100').set('Authorization', a.agent);
      const types = events.body.data
        .filter((e: any) => e.data.id === report.id)
        .map((e: any) => e.type)
        .reverse();
      expect(types).toEqual([
        'security-report.opened',
        'customer.payout-hold.placed',
        'security-report.resolved',
        'customer.payout-hold.released',
      ]);
      // The release note is the agents' own.
      const asCustomer = await t.http
        .get(`/v1/cases/${report.caseId}/messages`)
        .set('Authorization', me.auth);
      expect(JSON.stringify(asCustomer.body)).not.toContain('Identity confirmed');
      // A new report after the release opens a new one.
      const again = await file(me.auth, { description: 'Stolen again' });
      expect(again.status).toBe(201);
      expect(again.body.id).not.toBe(report.id);
    });

    it('a payout that checked before the hold and is still writing makes the filing wait: paid before the hold commits', async () => {
      const me = await customer();
      const approved = await refundOf(me.id, 'APPROVED');
      // Another session holds the refund's row: the payout passes its checks, then waits to write.
      const blocker = new Client({ connectionString: t.db.url });
      await blocker.connect();
      let filedAt = 0;
      let unblockedAt = 0;
      try {
        await blocker.query('BEGIN');
        await blocker.query('SELECT id FROM refunds WHERE id = $1 FOR UPDATE', [approved]);
        const paying = act(t, a.system, approved, 'payout', { result: 'SUCCEEDED' });
        await sleep(400);
        const filing = file(me.auth, { description: 'Stolen' }).then((res) => {
          filedAt = Date.now();
          return res;
        });
        await sleep(400);
        unblockedAt = Date.now();
        await blocker.query('COMMIT');
        const [paid, filed] = await Promise.all([paying, filing]);
        expect([paid.status, filed.status]).toEqual([200, 201]);
      } finally {
        await blocker.end();
      }
      // The filing could not commit its hold while the payout it raced was still unpaid.
      expect(filedAt).toBeGreaterThanOrEqual(unblockedAt);
      const positions = await t.query<{ type: string }>(
        `SELECT type FROM events WHERE refund_id = $1 OR customer_id = $2 AND refund_id IS NULL
          ORDER BY position`,
        [approved, me.id],
      );
      expect(positions.map((e) => e.type).slice(0, 2)).toEqual(['refund.payout', 'case.opened']);
    });

    it('a payout racing the report is paid before the hold committed, or refused: never paid after', async () => {
      const outcomes = new Set<number>();
      for (let round = 0; round < 12; round++) {
        const me = await customer();
        const approved = await refundOf(me.id, 'APPROVED');
        const [paid, filed] = await Promise.all([
          act(t, a.system, approved, 'payout', { result: 'SUCCEEDED', reference: `PO-${round}` }),
          file(me.auth, { description: 'Stolen' }),
        ]);
        expect(filed.status).toBe(201);
        outcomes.add(paid.status);
        const [refund] = await t.query<{ status: string }>(
          'SELECT status FROM refunds WHERE id = $1',
          [approved],
        );
        if (paid.status === 409) {
          expect(paid.body.code).toBe('PAYOUT_HELD');
          expect(refund.status).toBe('APPROVED');
          continue;
        }
        expect(paid.status).toBe(200);
        expect(refund.status).toBe('REFUNDED');
        // Paid: its event was recorded before the hold's (the filing waited for the payout).
        const [payoutEvent, holdEvent] = await Promise.all([
          t.query<{ position: string }>(
            "SELECT position FROM events WHERE refund_id = $1 AND type = 'refund.payout'",
            [approved],
          ),
          t.query<{ position: string }>(
            "SELECT position FROM events WHERE customer_id = $1 AND type = 'customer.payout-hold.placed'",
            [me.id],
          ),
        ]);
        expect(BigInt(payoutEvent[0].position)).toBeLessThan(BigInt(holdEvent[0].position));
      }
      expect([...outcomes].every((status) => status === 200 || status === 409)).toBe(true);
    }, 60_000);
  });

  describe('webhooks', () => {
    let worker: WebhookDeliveryService;
    let hook: Receiver;
    beforeAll(() => {
      worker = t.app.get(WebhookDeliveryService);
    });
    afterAll(() => hook?.close());

    it("deliver a customer's report events to the system in order, a failing one holding back the later ones", async () => {
      let failures = 0;
      hook = await startReceiver((event) =>
        event.type === 'security-report.opened' && failures++ < 2 ? 500 : 200,
      );
      const subscribed = await t.http
        .post('/v1/webhook-endpoints')
        .set('Authorization', a.system)
        .send({ url: hook.url, events: ['security-report.*', 'customer.*'] });
      expect(subscribed.status).toBe(201);
      const merchantHook = await t.http
        .post('/v1/webhook-endpoints')
        .set('Authorization', a.merchant)
        .send({ url: hook.url, events: ['*'] });
      expect(merchantHook.status).toBe(201);

      const me = await customer();
      const report = (await file(me.auth, { description: 'Stolen' })).body;
      await t.http
        .post(`/v1/security-reports/${report.id}/release`)
        .set('Authorization', a.agent)
        .send({ note: 'Secured.' });
      await eventually(
        async () => {
          await worker.deliverDue();
          return hook.acknowledged().length === 4;
        },
        'four acknowledgements',
        15_000,
      );
      const got = hook.received.filter((r) => r.event.data.id === report.id);
      expect(got.map((r) => [r.event.type, r.answer])).toEqual([
        ['security-report.opened', 500],
        ['security-report.opened', 500],
        ['security-report.opened', 200],
        ['customer.payout-hold.placed', 200],
        ['security-report.resolved', 200],
        ['customer.payout-hold.released', 200],
      ]);
      expect(got[0].event.data).toEqual(report);
      // Only the system's endpoint got them: the merchant's `*` is its refunds' events.
      const deliveries = await t.query(
        `SELECT d.ordering_key FROM webhook_deliveries d JOIN events e ON e.id = d.event_id
          WHERE e.customer_id = $1`,
        [me.id],
      );
      expect(deliveries).toEqual(Array(4).fill({ ordering_key: `customer:${me.id}` }));
    }, 30_000);
  });
  // Last: its events would count among the next tests' (they read the system's events).
  describe('languages', () => {
    it("lists the report's case in the queue with the report's first line as its subject", async () => {
      const me = await customer();
      const filed = await file(me.auth, {
        description: 'Someone took over my wallet.\nThey paid three merchants overnight.',
      });
      const queue = await t.http
        .get('/v1/cases?reason=ACCOUNT_COMPROMISED&limit=100')
        .set('Authorization', a.agent);
      const listed = queue.body.data.find((c: { id: string }) => c.id === filed.body.caseId);
      expect(listed).toMatchObject({ subject: 'Someone took over my wallet.', refundId: null });
    });

    it("words the recommended steps in the caller's language, and a keyed retry replays them as first answered", async () => {
      const me = await customer();
      const key = `report-${me.id}`;
      const first = await t.http
        .post('/v1/security-reports')
        .set('Authorization', me.auth)
        .set('Accept-Language', 'id')
        .set('Idempotency-Key', key)
        .send({ description: 'Ponsel saya dicuri.' });
      expect([first.status, first.headers['content-language']]).toEqual([201, 'id']);
      expect(first.body.recommendedSteps[0]).toEqual({
        code: 'CHANGE_PASSWORD',
        text: 'Segera ganti kata sandi dan PIN dompet Anda dari perangkat yang Anda percaya.',
      });
      const replay = await t.http
        .post('/v1/security-reports')
        .set('Authorization', me.auth)
        .set('Accept-Language', 'en')
        .set('Idempotency-Key', key)
        .send({ description: 'Ponsel saya dicuri.' });
      expect(replay.headers['idempotent-replayed']).toBe('true');
      expect(replay.headers['content-language']).toBe('id');
      expect(replay.body).toEqual(first.body);
      const inChinese = await t.http
        .get(`/v1/security-reports/${first.body.id}`)
        .set('Authorization', me.auth)
        .set('Accept-Language', 'zh-CN,zh;q=0.9');
      expect(inChinese.headers['content-language']).toBe('zh');
      expect(inChinese.body.recommendedSteps.map((s: { text: string }) => s.text)).toContain(
        '不要在公共 Wi-Fi 下使用钱包和银行应用。',
      );
    });
  });
});
