import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { startTestApp, TestApp } from './support/app';
import {
  caseAction,
  caseRequest,
  casesOfRefund,
  DISPUTE,
  escalate,
  getRefund,
  readCase,
  REJECT,
  refundThrough,
  SUBMIT,
} from './support/cases';
import { act, actors, Actors, draft } from './support/refunds';

const PNG = Buffer.from([
  0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
]);
const PRIORITY_RANK: Record<string, number> = { URGENT: 0, HIGH: 1, NORMAL: 2, LOW: 3 };

type Case = Record<string, any>;

describe('support cases', () => {
  let t: TestApp;
  let a: Actors;
  beforeAll(async () => {
    t = await startTestApp();
    a = await actors(t);
  });
  afterAll(() => t.close());

  /** A fresh NORMAL case of cus-1 (a customer escalation of a submitted refund). */
  async function newCase(message = 'Nobody answers me.'): Promise<Case> {
    const refundId = await refundThrough(t, a, [SUBMIT]);
    const res = await escalate(t, a.customer, refundId, { message });
    expect(res.status).toBe(201);
    return res.body;
  }

  const changes = (history: { change: string }[]) => history.map((entry) => entry.change);

  describe('who may see and work cases', () => {
    it('shows a customer their own case, and another customer’s as 404 (ids never leak)', async () => {
      const supportCase = await newCase();
      expect((await caseRequest(t, a.customer, supportCase.id)).status).toBe(200);
      for (const tail of ['', '/messages', '/history']) {
        const res = await caseRequest(t, a.otherCustomer, supportCase.id, tail);
        expect(res.status).toBe(404);
        expect(res.body.code).toBe('NOT_FOUND');
      }
      for (const action of ['messages', 'reopen']) {
        const body = action === 'messages' ? { body: 'Let me in.' } : {};
        expect((await caseAction(t, a.otherCustomer, supportCase.id, action, body)).status).toBe(
          404,
        );
      }
      const others = await t.http.get('/v1/cases').set('Authorization', a.otherCustomer);
      expect(others.status).toBe(200);
      expect(others.body.data.map((c: Case) => c.id)).not.toContain(supportCase.id);
    });

    it('answers 404 for an unknown or malformed case id', async () => {
      for (const id of [randomUUID(), 'not-a-uuid']) {
        expect((await caseRequest(t, a.agent, id)).status).toBe(404);
        expect((await caseAction(t, a.agent, id, 'solve')).status).toBe(404);
      }
    });

    it('answers 401 without a token', async () => {
      const supportCase = await newCase();
      expect((await t.http.get('/v1/cases')).status).toBe(401);
      expect((await t.http.get(`/v1/cases/${supportCase.id}`)).status).toBe(401);
    });

    describe.each(['merchant', 'system'] as const)('for the %s', (who) => {
      it.each([
        ['GET', ''],
        ['GET', '/:id'],
        ['GET', '/:id/messages'],
        ['GET', '/:id/history'],
        ['POST', '/:id/messages'],
        ['POST', '/:id/assign'],
        ['POST', '/:id/pending'],
        ['POST', '/:id/hold'],
        ['POST', '/:id/solve'],
        ['POST', '/:id/reopen'],
        ['POST', '/:id/close'],
      ])('answers 403 to %s /v1/cases%s', async (method, path) => {
        const supportCase = await newCase();
        const url = `/v1/cases${path.replace(':id', supportCase.id)}`;
        const res =
          method === 'GET'
            ? await t.http.get(url).set('Authorization', a[who])
            : await t.http.post(url).set('Authorization', a[who]).send({});
        expect(res.status).toBe(403);
        expect(res.body.code).toBe('FORBIDDEN');
      });
    });

    it.each(['assign', 'pending', 'hold', 'solve', 'close'])(
      'answers 403 to a customer who tries to %s their own case',
      async (action) => {
        const supportCase = await newCase();
        const body = action === 'assign' ? { agentId: 'agt-1' } : {};
        const res = await caseAction(t, a.customer, supportCase.id, action, body);
        expect(res.status).toBe(403);
        expect((await readCase(t, a.agent, supportCase.id)).status).toBe('NEW');
      },
    );

    it('shows a customer the public messages only; agents see internal notes too', async () => {
      const supportCase = await newCase('Where is my money?');
      const note = await caseAction(t, a.agent, supportCase.id, 'messages', {
        body: 'Merchant has a history of late refunds.',
        internal: true,
      });
      expect(note.status).toBe(200);
      const reply = await caseAction(t, a.agent, supportCase.id, 'messages', {
        body: 'We have asked the merchant.',
      });
      expect(reply.status).toBe(200);

      const forAgent = await readCase(t, a.agent, supportCase.id, '/messages');
      expect(forAgent.map((m: Case) => [m.body, m.internal])).toEqual([
        ['Where is my money?', false],
        ['Merchant has a history of late refunds.', true],
        ['We have asked the merchant.', false],
      ]);
      const forCustomer = await readCase(t, a.customer, supportCase.id, '/messages');
      expect(forCustomer.map((m: Case) => m.body)).toEqual([
        'Where is my money?',
        'We have asked the merchant.',
      ]);
      expect(forCustomer[1].author).toEqual({ role: 'agent', id: 'agt-1' });

      expect(changes(await readCase(t, a.agent, supportCase.id, '/history'))).toEqual([
        'opened',
        'internal-note',
        'message',
      ]);
      expect(changes(await readCase(t, a.customer, supportCase.id, '/history'))).toEqual([
        'opened',
        'message',
      ]);
    });

    it('lets a customer post public messages on their own case, never internal ones (403)', async () => {
      const supportCase = await newCase();
      const posted = await caseAction(t, a.customer, supportCase.id, 'messages', {
        body: 'Here is my receipt number: 123.',
      });
      expect(posted.status).toBe(200);
      expect(posted.body).toMatchObject({ id: supportCase.id, status: 'NEW' });

      const internal = await caseAction(t, a.customer, supportCase.id, 'messages', {
        body: 'Psst.',
        internal: true,
      });
      expect(internal.status).toBe(403);
      expect(internal.body.code).toBe('FORBIDDEN');
      // 403 comes before 404: the role may never write internal notes, whoever's case it is.
      const elsewhere = await caseAction(t, a.otherCustomer, supportCase.id, 'messages', {
        body: 'Psst.',
        internal: true,
      });
      expect(elsewhere.status).toBe(403);

      const messages = await readCase(t, a.agent, supportCase.id, '/messages');
      expect(messages.map((m: Case) => m.body)).toEqual([
        'Nobody answers me.',
        'Here is my receipt number: 123.',
      ]);
    });

    it('answers 400 for an empty message or an unknown field', async () => {
      const supportCase = await newCase();
      for (const body of [{ body: '' }, {}, { body: 'Hi', urgent: true }]) {
        const res = await caseAction(t, a.agent, supportCase.id, 'messages', body);
        expect(res.status).toBe(400);
        expect(res.body.code).toBe('VALIDATION_FAILED');
      }
    });
  });

  describe('working a case', () => {
    it('assigns a NEW case (to oneself or another agent), which opens it', async () => {
      const supportCase = await newCase();
      const mine = await caseAction(t, a.agent, supportCase.id, 'assign', { agentId: 'agt-1' });
      expect(mine.status).toBe(200);
      expect(mine.body).toMatchObject({ status: 'OPEN', assigneeId: 'agt-1' });

      const theirs = await caseAction(t, a.agent, supportCase.id, 'assign', { agentId: 'agt-2' });
      expect(theirs.status).toBe(200);
      expect(theirs.body).toMatchObject({ status: 'OPEN', assigneeId: 'agt-2' });

      const history = await readCase(t, a.agent, supportCase.id, '/history');
      expect(history.slice(1)).toEqual([
        expect.objectContaining({
          change: 'assigned',
          actor: { role: 'agent', id: 'agt-1' },
          details: { status: { from: 'NEW', to: 'OPEN' }, assignee: { from: null, to: 'agt-1' } },
        }),
        expect.objectContaining({
          change: 'assigned',
          details: { assignee: { from: 'agt-1', to: 'agt-2' } },
        }),
      ]);
      const bad = await caseAction(t, a.agent, supportCase.id, 'assign', { agentId: 'no spaces' });
      expect(bad.status).toBe(400);
    });

    it('waits for the customer (PENDING_CUSTOMER) until the customer replies, which reopens it', async () => {
      const supportCase = await newCase();
      const pending = await caseAction(t, a.agent, supportCase.id, 'pending');
      expect(pending.status).toBe(200);
      expect(pending.body.status).toBe('PENDING_CUSTOMER');

      const reply = await caseAction(t, a.customer, supportCase.id, 'messages', {
        body: 'The order number is 42.',
      });
      expect(reply.status).toBe(200);
      expect(reply.body.status).toBe('OPEN');
      // The reply, then the SLA clock starting again.
      expect((await readCase(t, a.agent, supportCase.id, '/history')).slice(-2)).toMatchObject([
        {
          change: 'message',
          actor: { role: 'customer', id: 'cus-1' },
          details: { status: { from: 'PENDING_CUSTOMER', to: 'OPEN' } },
        },
        { change: 'sla-resumed', actor: { role: 'customer', id: 'cus-1' } },
      ]);
    });

    it('hands a PENDING_CUSTOMER case back to the agents when the customer escalates again', async () => {
      const supportCase = await newCase();
      expect((await caseAction(t, a.agent, supportCase.id, 'pending')).status).toBe(200);
      const again = await escalate(t, a.customer, supportCase.refundId, { message: 'Answered.' });
      expect(again.status).toBe(200);
      expect(again.body).toMatchObject({ id: supportCase.id, status: 'OPEN' });
    });

    it('keeps a PENDING_CUSTOMER case waiting when an agent writes', async () => {
      const supportCase = await newCase();
      expect((await caseAction(t, a.agent, supportCase.id, 'pending')).status).toBe(200);
      const res = await caseAction(t, a.agent, supportCase.id, 'messages', { body: 'Reminder.' });
      expect(res.body.status).toBe('PENDING_CUSTOMER');
    });

    it('holds, solves and closes a case; a closed case takes no more changes (409)', async () => {
      const supportCase = await newCase();
      const held = await caseAction(t, a.agent, supportCase.id, 'hold');
      expect(held.body.status).toBe('ON_HOLD');
      const solved = await caseAction(t, a.agent, supportCase.id, 'solve');
      expect(solved.status).toBe(200);
      expect(solved.body).toMatchObject({ status: 'SOLVED', solvedAt: expect.any(String) });
      const closed = await caseAction(t, a.agent, supportCase.id, 'close');
      expect(closed.status).toBe(200);
      expect(closed.body.status).toBe('CLOSED');

      for (const [auth, action, body] of [
        [a.customer, 'reopen', {}],
        [a.agent, 'reopen', {}],
        [a.customer, 'messages', { body: 'Hello?' }],
        [a.agent, 'assign', { agentId: 'agt-1' }],
        [a.agent, 'solve', {}],
      ] as const) {
        const res = await caseAction(t, auth, supportCase.id, action, body);
        expect(res.status).toBe(409);
        expect(res.body.code).toBe('INVALID_TRANSITION');
      }
    });

    it('lets a customer reopen their solved case; an agent may solve and close it after', async () => {
      const supportCase = await newCase();
      expect((await caseAction(t, a.agent, supportCase.id, 'solve')).status).toBe(200);

      const reopened = await caseAction(t, a.customer, supportCase.id, 'reopen');
      expect(reopened.status).toBe(200);
      expect(reopened.body).toMatchObject({ status: 'OPEN', solvedAt: null });
      expect((await caseAction(t, a.otherCustomer, supportCase.id, 'reopen')).status).toBe(404);

      expect((await caseAction(t, a.agent, supportCase.id, 'solve')).body.status).toBe('SOLVED');
      expect((await caseAction(t, a.agent, supportCase.id, 'close')).body.status).toBe('CLOSED');
    });

    it.each([
      ['close an open case', 'close', []],
      ['reopen an open case', 'reopen', []],
      ['set a PENDING_CUSTOMER case pending again', 'pending', ['pending']],
      ['hold an ON_HOLD case again', 'hold', ['hold']],
      ['take messages on a SOLVED case', 'messages', ['solve']],
    ])('refuses to %s (409)', async (_, action, before) => {
      const supportCase = await newCase();
      for (const step of before) {
        expect((await caseAction(t, a.agent, supportCase.id, step)).status).toBe(200);
      }
      const body = action === 'messages' ? { body: 'Hi' } : {};
      const res = await caseAction(t, a.agent, supportCase.id, action, body);
      expect(res.status).toBe(409);
      expect(res.body.code).toBe('INVALID_TRANSITION');
    });

    it('will not reopen a solved case while its refund has another open case (409)', async () => {
      const first = await newCase();
      expect((await caseAction(t, a.agent, first.id, 'solve')).status).toBe(200);
      const second = await escalate(t, a.customer, first.refundId, { message: 'Again.' });
      expect(second.status).toBe(201);

      const res = await caseAction(t, a.customer, first.id, 'reopen');
      expect(res.status).toBe(409);
      expect((await readCase(t, a.agent, first.id)).status).toBe('SOLVED');
    });

    it('lets a customer reopen only within 7 days of the solution (422); an agent any time', async () => {
      const supportCase = await newCase();
      expect((await caseAction(t, a.agent, supportCase.id, 'solve')).status).toBe(200);
      const db = new Client({ connectionString: t.db.url });
      await db.connect();
      try {
        await db.query(
          `UPDATE support_cases SET solved_at = now() - interval '7 days 1 minute' WHERE id = $1`,
          [supportCase.id],
        );
      } finally {
        await db.end();
      }

      const late = await caseAction(t, a.customer, supportCase.id, 'reopen');
      expect(late.status).toBe(422);
      expect(late.body.code).toBe('BUSINESS_RULE_VIOLATED');
      const byAgent = await caseAction(t, a.agent, supportCase.id, 'reopen');
      expect(byAgent.status).toBe(200);
      expect(byAgent.body.status).toBe('OPEN');
    });

    it('points the refund at a reopened case', async () => {
      const first = await newCase();
      expect((await caseAction(t, a.agent, first.id, 'solve')).status).toBe(200);
      const second = (await escalate(t, a.customer, first.refundId)).body;
      expect((await caseAction(t, a.agent, second.id, 'solve')).status).toBe(200);
      expect((await caseAction(t, a.customer, first.id, 'reopen')).status).toBe(200);
      expect((await getRefund(t, a.customer, first.refundId)).caseId).toBe(first.id);
    });

    it('never lets a refund have two open cases, whatever races: reopenings and escalations', async () => {
      const statuses: number[] = [];
      for (let round = 0; round < 5; round++) {
        const first = await newCase();
        expect((await caseAction(t, a.agent, first.id, 'solve')).status).toBe(200);
        const second = (await escalate(t, a.customer, first.refundId)).body;
        expect((await caseAction(t, a.agent, second.id, 'solve')).status).toBe(200);

        const responses = await Promise.all([
          caseAction(t, a.customer, first.id, 'reopen'),
          caseAction(t, a.customer, second.id, 'reopen'),
          escalate(t, a.customer, first.refundId, { message: 'Me again.' }),
        ]);
        statuses.push(...responses.map((res) => res.status));
        const open = (await casesOfRefund(t, a.agent, first.refundId)).filter((c) =>
          ['NEW', 'OPEN', 'PENDING_CUSTOMER', 'ON_HOLD'].includes(c.status),
        );
        expect(open).toHaveLength(1);
        expect((await getRefund(t, a.customer, first.refundId)).caseId).not.toBeNull();
      }
      expect(statuses.every((status) => [200, 201, 409].includes(status))).toBe(true);
    });

    it('keeps every change in the history, in order', async () => {
      const supportCase = await newCase();
      const steps: [string, string, Record<string, unknown>?][] = [
        [a.agent, 'assign', { agentId: 'agt-1' }],
        [a.agent, 'messages', { body: 'Looking into it.' }],
        [a.agent, 'messages', { body: 'Merchant is slow.', internal: true }],
        [a.agent, 'pending'],
        [a.customer, 'messages', { body: 'Here you are.' }],
        [a.agent, 'hold'],
        [a.agent, 'solve'],
        [a.customer, 'reopen'],
        [a.agent, 'solve'],
        [a.agent, 'close'],
      ];
      for (const [auth, action, body] of steps) {
        const res = await caseAction(t, auth, supportCase.id, action, body);
        expect(res.status).toBe(200);
      }

      const history = await readCase(t, a.agent, supportCase.id, '/history');
      expect(history.map((entry: Case) => entry.sequence)).toEqual(
        history.map((_: Case, i: number) => i + 1),
      );
      expect(
        history.map((entry: Case) => [entry.change, entry.details?.status?.to ?? null]),
      ).toEqual([
        ['opened', null],
        ['assigned', 'OPEN'],
        ['message', null],
        ['internal-note', null],
        ['pending', 'PENDING_CUSTOMER'],
        ['sla-paused', null],
        ['message', 'OPEN'],
        ['sla-resumed', null],
        ['hold', 'ON_HOLD'],
        ['solved', 'SOLVED'],
        ['reopened', 'OPEN'],
        ['solved', 'SOLVED'],
        ['closed', 'CLOSED'],
      ]);
      expect(history[2].details).toEqual({ firstResponse: true });
      expect(history[10].actor).toEqual({ role: 'customer', id: 'cus-1' });
      const times = history.map((entry: Case) => Date.parse(entry.createdAt));
      expect(times).toEqual([...times].sort((x, y) => x - y));

      const forCustomer = await readCase(t, a.customer, supportCase.id, '/history');
      expect(changes(forCustomer)).not.toContain('internal-note');
      expect(forCustomer).toHaveLength(history.length - 1);
    });
  });

  describe('the queue', () => {
    const ASSIGNEE = 'agt-queue';
    let cases: Record<'urgent' | 'high' | 'normal' | 'answered' | 'held', Case>;

    const list = async (query: Record<string, string | number>, auth = a.agent) => {
      const res = await t.http.get('/v1/cases').query(query).set('Authorization', auth);
      expect(res.status).toBe(200);
      return res.body as { data: Case[]; nextCursor: string | null };
    };
    const ids = (page: { data: Case[] }) => page.data.map((c) => c.id);
    /** The target a case races next: first response until answered, then resolution. */
    const nextDue = (c: Case) =>
      Date.parse(c.firstRespondedAt ? c.resolutionDueAt : c.firstResponseDueAt);

    beforeAll(async () => {
      const unauthorized = await draft(t, a, { reasonCode: 'UNAUTHORIZED_TRANSACTION' });
      const upload = await t.http
        .post(`/v1/refunds/${unauthorized.id}/attachments`)
        .set('Authorization', a.customer)
        .field('kind', 'OTHER')
        .attach('file', PNG, { filename: 'screenshot.png', contentType: 'image/png' });
      expect(upload.status).toBe(201);
      const submitted = await act(t, a.customer, unauthorized.id, 'submit');
      const disputed = await refundThrough(t, a, [SUBMIT, REJECT, DISPUTE]);
      const highCaseId = (await t.http.get(`/v1/refunds/${disputed}`).set('Authorization', a.agent))
        .body.caseId;

      cases = {
        urgent: await readCase(t, a.agent, submitted.body.caseId),
        high: await readCase(t, a.agent, highCaseId),
        normal: await newCase(),
        answered: await newCase(),
        held: await newCase(),
      };
      for (const supportCase of Object.values(cases)) {
        const res = await caseAction(t, a.agent, supportCase.id, 'assign', { agentId: ASSIGNEE });
        expect(res.status).toBe(200);
      }
      // Answered: it now races its (later) resolution target.
      await caseAction(t, a.agent, cases.answered.id, 'messages', { body: 'On it.' });
      await caseAction(t, a.agent, cases.held.id, 'hold');
    });

    it('lists the most urgent first: by priority, then by the earliest due target', async () => {
      const page = await list({ assigneeId: ASSIGNEE });
      expect(page.data).toHaveLength(5);
      expect(page.nextCursor).toBeNull();
      expect(page.data.slice(0, 2).map((c) => c.id)).toEqual([cases.urgent.id, cases.high.id]);
      expect(page.data.map((c) => c.priority)).toEqual([
        'URGENT',
        'HIGH',
        'NORMAL',
        'NORMAL',
        'NORMAL',
      ]);
      const key = (c: Case) => [PRIORITY_RANK[c.priority], nextDue(c)];
      for (let i = 1; i < page.data.length; i++) {
        const [rankBefore, dueBefore] = key(page.data[i - 1]);
        const [rank, due] = key(page.data[i]);
        expect(rank > rankBefore || (rank === rankBefore && due >= dueBefore)).toBe(true);
      }
      // The answered case races its resolution, days after any first-response target.
      expect(ids(page).at(-1)).toBe(cases.answered.id);
    });

    it('pages through the queue with a cursor: limit 2 over 5 cases, no duplicates or gaps', async () => {
      const all = ids(await list({ assigneeId: ASSIGNEE }));
      const pages: string[][] = [];
      let cursor: string | null = null;
      do {
        const page: { data: Case[]; nextCursor: string | null } = await list({
          assigneeId: ASSIGNEE,
          limit: 2,
          ...(cursor ? { cursor } : {}),
        });
        pages.push(ids(page));
        cursor = page.nextCursor;
      } while (cursor && pages.length < 10);
      expect(pages.map((page) => page.length)).toEqual([2, 2, 1]);
      expect(pages.flat()).toEqual(all);
    });

    it.each([
      ['status', { status: 'ON_HOLD' }, ['held']],
      ['priority', { priority: 'HIGH' }, ['high']],
      ['reason', { reason: 'UNAUTHORIZED_TRANSACTION' }, ['urgent']],
      ['reason and status', { reason: 'CUSTOMER_REQUEST', status: 'OPEN' }, ['normal', 'answered']],
    ] as const)('filters by %s', async (_, query, expected) => {
      const page = await list({ assigneeId: ASSIGNEE, ...query });
      expect(ids(page).sort()).toEqual(expected.map((name) => cases[name].id).sort());
    });

    it('filters open cases (open=true) from solved and closed ones (open=false)', async () => {
      const solved = await newCase();
      expect(
        (await caseAction(t, a.agent, solved.id, 'assign', { agentId: ASSIGNEE })).status,
      ).toBe(200);
      expect((await caseAction(t, a.agent, solved.id, 'solve')).status).toBe(200);
      const open = ids(await list({ assigneeId: ASSIGNEE, open: 'true' }));
      expect(open.sort()).toEqual(
        Object.values(cases)
          .map((c) => c.id)
          .sort(),
      );
      expect(ids(await list({ assigneeId: ASSIGNEE, open: 'false' }))).toEqual([solved.id]);
      const bad = await t.http
        .get('/v1/cases')
        .query({ open: 'yes' })
        .set('Authorization', a.agent);
      expect(bad.status).toBe(400);
    });

    it('filters by refund and by assignee', async () => {
      expect(ids(await list({ refundId: cases.high.refundId }))).toEqual([cases.high.id]);
      expect(ids(await list({ assigneeId: 'agt-nobody' }))).toEqual([]);
      const unassigned = await newCase();
      expect(ids(await list({ assigneeId: ASSIGNEE }))).not.toContain(unassigned.id);
    });

    it('lists a customer’s own cases only', async () => {
      const customerId = `cus-${randomUUID()}`;
      const customer = await t.bearer('customer', customerId);
      const transactionId = `TX-${randomUUID()}`;
      const paid = await t.http.post('/v1/transactions').set('Authorization', a.system).send({
        id: transactionId,
        customerId,
        merchantId: 'mer-1',
        amount: 500_000,
        currency: 'IDR',
        paidAt: '2026-11-20T03:00:00.000Z',
      });
      expect(paid.status).toBe(201);
      const applied = await t.http
        .post('/v1/refunds')
        .set('Authorization', customer)
        .send({ transactionId, amount: 100_000, reasonCode: 'NOT_RECEIVED' });
      const own = await escalate(t, customer, applied.body.id, { message: 'Mine.' });
      expect(own.status).toBe(201);

      expect(ids(await list({}, customer))).toEqual([own.body.id]);
      expect(ids(await list({ limit: 100 }, a.customer))).not.toContain(own.body.id);
      expect(ids(await list({ limit: 100 }))).toContain(own.body.id);
    });

    it.each([
      ['an unknown status', { status: 'LOST' }],
      ['an unknown priority', { priority: 'CRITICAL' }],
      ['an unknown reason', { reason: 'BORED' }],
      ['a breached flag that is not true or false', { breached: 'yes' }],
      ['a refundId that is not a uuid', { refundId: 'r-1' }],
      ['a limit of 0', { limit: 0 }],
      ['a limit over 100', { limit: 101 }],
      ['a cursor that is not ours', { cursor: 'garbage' }],
      ['an unknown filter', { customerId: 'cus-1' }],
    ])('answers 400 for %s', async (_, query) => {
      const res = await t.http.get('/v1/cases').query(query).set('Authorization', a.agent);
      expect(res.status).toBe(400);
    });
  });
});
