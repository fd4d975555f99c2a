import { rmSync } from 'node:fs';
import { startTestApp, TestApp } from './support/app';
import {
  ALL_CHANNELS,
  allDayChannelsFile,
  caseAction,
  casesOfRefund,
  DISPUTE,
  escalate,
  getRefund,
  readCase,
  REJECT,
  refundThrough,
  SUBMIT,
  timeline,
  UUID,
} from './support/cases';
import { act, actors, Actors, draft } from './support/refunds';

const PNG = Buffer.from([
  0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
]);

/** The escalation's timeline note: what the customer wrote is the support case's, not the merchant's. */
const ESCALATED = 'The customer asked support for help.';

describe('escalation: every way into a support case', () => {
  const channels = allDayChannelsFile();
  let t: TestApp;
  let a: Actors;
  beforeAll(async () => {
    // The default review SLA (5 business days): nothing here becomes overdue.
    t = await startTestApp({ SUPPORT_CHANNELS: channels.file });
    a = await actors(t);
  });
  afterAll(async () => {
    await t.close();
    rmSync(channels.dir, { recursive: true, force: true });
  });

  describe('the customer escalates (POST /v1/refunds/:id/escalate)', () => {
    it('opens a NORMAL CUSTOMER_REQUEST case (201) whose first message is the customer’s', async () => {
      const refundId = await refundThrough(t, a, [SUBMIT]);
      const before = await getRefund(t, a.customer, refundId);

      const res = await escalate(t, a.customer, refundId, {
        message: 'The shop does not answer my messages.',
        channel: 'EMAIL',
      });

      expect(res.status).toBe(201);
      expect(res.body).toEqual({
        id: expect.stringMatching(UUID),
        refundId,
        securityReportId: null,
        customerId: 'cus-1',
        reason: 'CUSTOMER_REQUEST',
        channel: 'EMAIL',
        priority: 'NORMAL',
        status: 'NEW',
        assigneeId: null,
        firstResponseDueAt: expect.any(String),
        resolutionDueAt: expect.any(String),
        slaPausedSince: null,
        breached: false,
        firstRespondedAt: null,
        solvedAt: null,
        outcome: null,
        rating: null,
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
        availableChannels: ALL_CHANNELS,
      });
      // GET answers the same case, without the escalation's availableChannels.
      const supportCase = { ...res.body };
      delete supportCase.availableChannels;
      expect(await readCase(t, a.agent, res.body.id)).toEqual(supportCase);
      expect(await readCase(t, a.customer, res.body.id)).toEqual(supportCase);

      const messages = await readCase(t, a.customer, res.body.id, '/messages');
      expect(messages).toEqual([
        {
          id: expect.stringMatching(UUID),
          author: { role: 'customer', id: 'cus-1' },
          body: 'The shop does not answer my messages.',
          internal: false,
          createdAt: expect.any(String),
        },
      ]);

      const after = await getRefund(t, a.customer, refundId);
      expect(after.caseId).toBe(res.body.id);
      expect(after.version).toBe(before.version);
      expect(after.status).toBe('SUBMITTED');
      expect((await timeline(t, a.customer, refundId)).at(-1)).toMatchObject({
        action: 'escalate',
        fromStatus: 'SUBMITTED',
        toStatus: 'SUBMITTED',
        actor: { role: 'customer', id: 'cus-1' },
        note: ESCALATED,
      });
    });

    it('keeps what the customer tells support from the merchant: not in the timeline nor the events', async () => {
      const refundId = await refundThrough(t, a, [SUBMIT]);
      const message = 'Please call me on +62 812 5550 1234, not the shop.';
      expect((await escalate(t, a.customer, refundId, { message })).status).toBe(201);

      const seen = await timeline(t, a.merchant, refundId);
      expect(seen.at(-1)).toMatchObject({ action: 'escalate', note: ESCALATED });
      const events = await t.http
        .get('/v1/events')
        .query({ limit: 100 })
        .set('Authorization', a.merchant);
      expect(events.status).toBe(200);
      expect(
        events.body.data.filter((e: { data: { id: string } }) => e.data.id === refundId),
      ).toContainEqual(expect.objectContaining({ type: 'refund.escalate' }));
      for (const answer of [seen, events.body]) {
        expect(JSON.stringify(answer)).not.toContain('5550 1234');
      }
      // It is the support case's: the customer and the agents read it there.
      const { caseId } = await getRefund(t, a.customer, refundId);
      for (const auth of [a.customer, a.agent]) {
        const messages = await readCase(t, auth, caseId, '/messages');
        expect(messages.map((m: { body: string }) => m.body)).toContain(message);
      }
    });

    it('comes in through in-app chat unless the customer names a channel', async () => {
      const refundId = await refundThrough(t, a, [SUBMIT]);
      const res = await escalate(t, a.customer, refundId, { message: 'Please help.' });
      expect(res.status).toBe(201);
      expect(res.body.channel).toBe('IN_APP_CHAT');
    });

    it('joins the open case on a second escalation: 200, the same case, the message added', async () => {
      const refundId = await refundThrough(t, a, [SUBMIT]);
      const version = (await getRefund(t, a.customer, refundId)).version;

      const first = await escalate(t, a.customer, refundId, { message: 'First try.' });
      const second = await escalate(t, a.customer, refundId, {
        message: 'Still nothing.',
        channel: 'HOTLINE',
      });

      expect(first.status).toBe(201);
      expect(second.status).toBe(200);
      expect(second.body).toMatchObject({
        id: first.body.id,
        reason: 'CUSTOMER_REQUEST',
        priority: 'NORMAL',
        channel: first.body.channel,
        availableChannels: ALL_CHANNELS,
      });
      expect(await casesOfRefund(t, a.agent, refundId)).toHaveLength(1);
      const messages = await readCase(t, a.agent, first.body.id, '/messages');
      expect(messages.map((m: { body: string }) => m.body)).toEqual([
        'First try.',
        'Still nothing.',
      ]);
      const refund = await getRefund(t, a.customer, refundId);
      expect(refund.version).toBe(version);
      expect(refund.caseId).toBe(first.body.id);
      const escalations = (await timeline(t, a.customer, refundId)).filter(
        (event) => event.action === 'escalate',
      );
      expect(escalations.map((event) => event.note)).toEqual([ESCALATED, ESCALATED]);
    });

    it('opens one case for parallel escalations: one 201, the others join it (200)', async () => {
      const refundId = await refundThrough(t, a, [SUBMIT]);
      const responses = await Promise.all(
        Array.from({ length: 5 }, (_, i) =>
          escalate(t, a.customer, refundId, { message: `Attempt ${i + 1}` }),
        ),
      );
      expect(responses.map((res) => res.status).sort()).toEqual([200, 200, 200, 200, 201]);
      expect(new Set(responses.map((res) => res.body.id)).size).toBe(1);
      expect(await casesOfRefund(t, a.agent, refundId)).toHaveLength(1);
      expect(await readCase(t, a.agent, responses[0].body.id, '/messages')).toHaveLength(5);
    });

    it('refuses to escalate a refund that has ended (409) and opens no case', async () => {
      const cancelled = await refundThrough(t, a, [SUBMIT, ['customer', 'cancel']]);
      const closed = await refundThrough(t, a, [
        SUBMIT,
        REJECT,
        DISPUTE,
        ['customer', 'withdraw-dispute'],
      ]);
      const refunded = await refundThrough(t, a, [
        SUBMIT,
        ['merchant', 'approve'],
        ['system', 'payout', { result: 'SUCCEEDED', reference: 'PO-1' }],
      ]);
      for (const refundId of [cancelled, refunded]) {
        const res = await escalate(t, a.customer, refundId);
        expect(res.status).toBe(409);
        expect(res.body.code).toBe('INVALID_TRANSITION');
        expect(await casesOfRefund(t, a.agent, refundId)).toEqual([]);
      }
      const res = await escalate(t, a.customer, closed);
      expect(res.status).toBe(409);
      // Only the (solved) dispute case: no new one.
      expect(await casesOfRefund(t, a.agent, closed)).toEqual([
        expect.objectContaining({ reason: 'DISPUTE', status: 'SOLVED' }),
      ]);
    });

    it.each([
      ['merchant', 403],
      ['agent', 403],
      ['system', 403],
      ['otherCustomer', 404],
    ] as const)('answers %s with %i and opens no case', async (who, expected) => {
      const refundId = await refundThrough(t, a, [SUBMIT]);
      const res = await escalate(t, a[who], refundId);
      expect(res.status).toBe(expected);
      expect(await casesOfRefund(t, a.agent, refundId)).toEqual([]);
      expect((await getRefund(t, a.customer, refundId)).caseId).toBeNull();
    });

    it('answers 400 for a blank message or an unknown channel', async () => {
      const refundId = await refundThrough(t, a, [SUBMIT]);
      for (const body of [{ message: '' }, {}, { message: 'Help', channel: 'FAX' }]) {
        const res = await escalate(t, a.customer, refundId, body);
        expect(res.status).toBe(400);
        expect(res.body.code).toBe('VALIDATION_FAILED');
      }
      expect(await casesOfRefund(t, a.agent, refundId)).toEqual([]);
    });

    it('does not solve a CUSTOMER_REQUEST case when the review ends', async () => {
      const approved = await refundThrough(t, a, [SUBMIT]);
      const rejected = await refundThrough(t, a, [SUBMIT]);
      const forApproved = (await escalate(t, a.customer, approved)).body;
      const forRejected = (await escalate(t, a.customer, rejected)).body;

      expect((await act(t, a.merchant, approved, 'approve', { note: 'OK' })).status).toBe(200);
      expect((await act(t, a.merchant, rejected, 'reject', { reason: 'No.' })).status).toBe(200);

      for (const supportCase of [forApproved, forRejected]) {
        expect(await readCase(t, a.agent, supportCase.id)).toMatchObject({
          status: 'NEW',
          reason: 'CUSTOMER_REQUEST',
          solvedAt: null,
          outcome: null,
        });
        expect(await readCase(t, a.agent, supportCase.id, '/messages')).toHaveLength(1);
      }
    });
  });

  describe('a dispute', () => {
    it('opens a HIGH DISPUTE case holding the statement and the negotiation records', async () => {
      const refundId = await refundThrough(t, a, [SUBMIT, REJECT]);
      const res = await act(t, a.customer, refundId, DISPUTE[1], DISPUTE[2]);
      expect(res.status).toBe(200);
      expect(res.body.caseId).toEqual(expect.stringMatching(UUID));

      const supportCase = await readCase(t, a.agent, res.body.caseId);
      expect(supportCase).toMatchObject({
        refundId,
        customerId: 'cus-1',
        reason: 'DISPUTE',
        priority: 'HIGH',
        status: 'NEW',
      });
      const messages = await readCase(t, a.agent, supportCase.id, '/messages');
      expect(messages).toEqual([
        expect.objectContaining({
          author: { role: 'customer', id: 'cus-1' },
          body: DISPUTE[2]!.statement,
          internal: false,
          details: { negotiationRecords: DISPUTE[2]!.negotiationRecords },
        }),
      ]);
      // The customer sees their own statement too.
      expect(await readCase(t, a.customer, supportCase.id, '/messages')).toEqual(messages);
    });

    it('shows the merchant’s response in the dispute case', async () => {
      const refundId = await refundThrough(t, a, [SUBMIT, REJECT, DISPUTE]);
      const statement = 'Our courier has a photo of the parcel at the door.';
      const res = await act(t, a.merchant, refundId, 'merchant-response', { statement });
      expect(res.status).toBe(200);

      const { caseId } = await getRefund(t, a.agent, refundId);
      const messages = await readCase(t, a.agent, caseId, '/messages');
      expect(messages).toHaveLength(2);
      expect(messages[1]).toMatchObject({
        author: { role: 'merchant', id: 'mer-1' },
        body: statement,
        internal: false,
      });
    });

    it.each([
      ['CUSTOMER_FAVOUR', 'APPROVED'],
      ['MERCHANT_FAVOUR', 'CLOSED'],
    ])(
      'is solved with outcome %s when an agent resolves the dispute',
      async (outcome, refundStatus) => {
        const refundId = await refundThrough(t, a, [SUBMIT, REJECT, DISPUTE]);
        const { caseId } = await getRefund(t, a.agent, refundId);
        const note = 'Checked the courier records.';

        const res = await act(t, a.agent, refundId, 'resolve-dispute', { outcome, note });
        expect(res.status).toBe(200);
        expect(res.body.status).toBe(refundStatus);

        expect(await readCase(t, a.agent, caseId)).toMatchObject({
          status: 'SOLVED',
          reason: 'DISPUTE',
          outcome,
          solvedAt: expect.any(String),
        });
        const messages = await readCase(t, a.customer, caseId, '/messages');
        expect(messages.at(-1)).toMatchObject({
          author: { role: 'agent', id: 'agt-1' },
          body: note,
        });
        const history = await readCase(t, a.agent, caseId, '/history');
        expect(history.at(-1)).toMatchObject({
          change: 'solved',
          actor: { role: 'agent', id: 'agt-1' },
          details: { outcome, status: { from: 'NEW', to: 'SOLVED' } },
        });
      },
    );

    it('is solved as WITHDRAWN when the customer withdraws the dispute', async () => {
      const refundId = await refundThrough(t, a, [SUBMIT, REJECT, DISPUTE]);
      const { caseId } = await getRefund(t, a.customer, refundId);
      expect((await act(t, a.customer, refundId, 'withdraw-dispute')).status).toBe(200);
      expect(await readCase(t, a.customer, caseId)).toMatchObject({
        status: 'SOLVED',
        outcome: 'WITHDRAWN',
      });
    });

    it('cannot be solved by an agent directly (409): only the dispute’s resolution solves it', async () => {
      const refundId = await refundThrough(t, a, [SUBMIT, REJECT, DISPUTE]);
      const { caseId } = await getRefund(t, a.agent, refundId);
      const res = await caseAction(t, a.agent, caseId, 'solve');
      expect(res.status).toBe(409);
      expect(res.body.code).toBe('INVALID_TRANSITION');
      expect(await readCase(t, a.agent, caseId)).toMatchObject({ status: 'NEW', solvedAt: null });
    });

    it('stays unsolvable by an agent while the dispute runs, even once the customer escalated on it', async () => {
      const refundId = await refundThrough(t, a, [SUBMIT, REJECT, DISPUTE]);
      const { caseId } = await getRefund(t, a.agent, refundId);
      const joined = await escalate(t, a.customer, refundId, { message: 'Please hurry.' });
      expect(joined.status).toBe(200);
      expect(joined.body).toMatchObject({ id: caseId, priority: 'HIGH' });

      const res = await caseAction(t, a.agent, caseId, 'solve');
      expect(res.status).toBe(409);
      expect(await readCase(t, a.agent, caseId)).toMatchObject({ status: 'NEW' });
    });

    it('stays the dispute’s case after a customer escalation: merchant side shown, resolution solves it', async () => {
      const refundId = await refundThrough(t, a, [SUBMIT, REJECT, DISPUTE]);
      const { caseId } = await getRefund(t, a.agent, refundId);
      await escalate(t, a.customer, refundId, { message: 'Please hurry.' });
      // The reason never falls: a customer's request ranks below the dispute.
      expect(await readCase(t, a.agent, caseId)).toMatchObject({ reason: 'DISPUTE' });

      const response = await act(t, a.merchant, refundId, 'merchant-response', {
        statement: 'Our courier has a photo of the delivery.',
      });
      expect(response.status).toBe(200);
      const messages = await t.http
        .get(`/v1/cases/${caseId}/messages`)
        .set('Authorization', a.agent);
      expect(messages.body.at(-1)).toMatchObject({
        author: { role: 'merchant', id: 'mer-1' },
        body: 'Our courier has a photo of the delivery.',
      });

      const resolved = await act(t, a.agent, refundId, 'resolve-dispute', {
        outcome: 'MERCHANT_FAVOUR',
        note: 'The delivery photo shows the customer’s door.',
      });
      expect(resolved.status).toBe(200);
      expect(await readCase(t, a.agent, caseId)).toMatchObject({
        status: 'SOLVED',
        outcome: 'MERCHANT_FAVOUR',
      });
    });

    it('can be solved and closed by an agent once reopened after the dispute ended', async () => {
      const refundId = await refundThrough(t, a, [SUBMIT, REJECT, DISPUTE]);
      const { caseId } = await getRefund(t, a.agent, refundId);
      const resolved = await act(t, a.agent, refundId, 'resolve-dispute', {
        outcome: 'CUSTOMER_FAVOUR',
        note: 'Refund granted.',
      });
      expect(resolved.status).toBe(200);
      const reopened = await caseAction(t, a.customer, caseId, 'reopen');
      expect(reopened.status).toBe(200);
      expect(reopened.body).toMatchObject({ status: 'OPEN', reason: 'DISPUTE' });

      const solved = await caseAction(t, a.agent, caseId, 'solve');
      expect(solved.status).toBe(200);
      expect(solved.body.status).toBe('SOLVED');
      expect((await caseAction(t, a.agent, caseId, 'close')).body.status).toBe('CLOSED');
    });
  });

  describe('an unauthorized transaction', () => {
    const upload = (refundId: string) =>
      t.http
        .post(`/v1/refunds/${refundId}/attachments`)
        .set('Authorization', a.customer)
        .field('kind', 'OTHER')
        .attach('file', PNG, { filename: 'screenshot.png', contentType: 'image/png' });

    it('opens an URGENT case the moment it is submitted, once it has an attachment', async () => {
      const refund = await draft(t, a, {
        reasonCode: 'UNAUTHORIZED_TRANSACTION',
        description: 'My phone was stolen on Friday.',
      });
      const refused = await act(t, a.customer, refund.id, 'submit');
      expect(refused.status).toBe(422);
      expect(refused.body.code).toBe('EVIDENCE_MISSING');
      expect(await casesOfRefund(t, a.agent, refund.id)).toEqual([]);

      expect((await upload(refund.id)).status).toBe(201);
      const res = await act(t, a.customer, refund.id, 'submit');
      expect(res.status).toBe(200);
      expect(res.body.caseId).toEqual(expect.stringMatching(UUID));

      expect(await readCase(t, a.agent, res.body.caseId)).toMatchObject({
        refundId: refund.id,
        reason: 'UNAUTHORIZED_TRANSACTION',
        priority: 'URGENT',
        channel: 'SYSTEM',
        status: 'NEW',
      });
      const [message] = await readCase(t, a.customer, res.body.caseId, '/messages');
      expect(message.body).toContain('My phone was stolen on Friday.');
    });

    it('keeps the case URGENT and its reason when the customer escalates it as well', async () => {
      const refund = await draft(t, a, { reasonCode: 'UNAUTHORIZED_TRANSACTION' });
      expect((await upload(refund.id)).status).toBe(201);
      const { caseId } = (await act(t, a.customer, refund.id, 'submit')).body;

      const res = await escalate(t, a.customer, refund.id, { message: 'Please block my card.' });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        id: caseId,
        priority: 'URGENT',
        reason: 'UNAUTHORIZED_TRANSACTION',
      });
      const history = await readCase(t, a.agent, caseId, '/history');
      expect(history.at(-1)).toMatchObject({
        change: 'joined',
        details: {
          reason: {
            from: 'UNAUTHORIZED_TRANSACTION',
            to: 'UNAUTHORIZED_TRANSACTION',
            joinedAs: 'CUSTOMER_REQUEST',
          },
        },
      });
    });
  });

  describe('joining an open case', () => {
    it('a dispute joins the customer’s case: raised to HIGH, reason DISPUTE, both reasons in the history', async () => {
      const refundId = await refundThrough(t, a, [SUBMIT]);
      const opened = await escalate(t, a.customer, refundId, { message: 'Any news?' });
      expect(opened.body).toMatchObject({ priority: 'NORMAL', reason: 'CUSTOMER_REQUEST' });
      expect((await act(t, a.merchant, refundId, REJECT[1], REJECT[2])).status).toBe(200);

      const disputed = await act(t, a.customer, refundId, DISPUTE[1], DISPUTE[2]);
      expect(disputed.status).toBe(200);
      expect(disputed.body.caseId).toBe(opened.body.id);

      const supportCase = await readCase(t, a.agent, opened.body.id);
      expect(supportCase).toMatchObject({ reason: 'DISPUTE', priority: 'HIGH', status: 'NEW' });
      // A higher priority has shorter targets, counted from when the case opened.
      expect(Date.parse(supportCase.firstResponseDueAt)).toBeLessThanOrEqual(
        Date.parse(opened.body.firstResponseDueAt),
      );
      expect(await casesOfRefund(t, a.agent, refundId)).toHaveLength(1);

      const history = await readCase(t, a.agent, opened.body.id, '/history');
      expect(history.map((entry: { change: string }) => entry.change)).toEqual([
        'opened',
        'joined',
      ]);
      expect(history[0].details).toMatchObject({ reason: 'CUSTOMER_REQUEST', priority: 'NORMAL' });
      expect(history[1].details).toMatchObject({
        reason: { from: 'CUSTOMER_REQUEST', to: 'DISPUTE', joinedAs: 'DISPUTE' },
        priority: { from: 'NORMAL', to: 'HIGH' },
      });
      const messages = await readCase(t, a.agent, opened.body.id, '/messages');
      expect(messages.map((m: { body: string }) => m.body)).toEqual([
        'Any news?',
        DISPUTE[2]!.statement,
      ]);
    });

    it('opens a new case once the previous one is solved, and the refund points to it', async () => {
      const refundId = await refundThrough(t, a, [SUBMIT]);
      const first = (await escalate(t, a.customer, refundId)).body;
      expect((await caseAction(t, a.agent, first.id, 'solve')).status).toBe(200);

      const second = await escalate(t, a.customer, refundId, { message: 'It happened again.' });
      expect(second.status).toBe(201);
      expect(second.body.id).not.toBe(first.id);
      expect((await getRefund(t, a.customer, refundId)).caseId).toBe(second.body.id);
      expect(await casesOfRefund(t, a.agent, refundId)).toHaveLength(2);
    });
  });

  describe('channel availability', () => {
    it('leaves a channel under a notice in force out of availableChannels, until the notice ends', async () => {
      const refundId = await refundThrough(t, a, [SUBMIT]);
      const published = await t.http
        .post('/v1/notices')
        .set('Authorization', a.agent)
        .send({
          kind: 'MAINTENANCE',
          title: 'Chat maintenance',
          body: 'In-app chat is being upgraded. Please call the hotline meanwhile.',
          startsAt: new Date(Date.now() - 60_000).toISOString(),
          endsAt: new Date(Date.now() + 3_600_000).toISOString(),
          affectedChannels: ['IN_APP_CHAT'],
        });
      expect(published.status).toBe(201);
      try {
        const during = await escalate(t, a.customer, refundId);
        expect(during.status).toBe(201);
        expect(during.body.availableChannels).toEqual(['HOTLINE', 'EMAIL', 'SOCIAL_MEDIA']);
      } finally {
        const ended = await t.http
          .post(`/v1/notices/${published.body.id}/end`)
          .set('Authorization', a.agent);
        expect(ended.status).toBe(200);
      }
      const after = await escalate(t, a.customer, refundId, { message: 'Chat is back?' });
      expect(after.status).toBe(200);
      expect(after.body.availableChannels).toEqual(ALL_CHANNELS);
    });
  });
});
