import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import pino from 'pino';
import { loadConfig } from '../apps/api/src/config/load-config';
import { createApp } from '../apps/api/src/create-app';
import { FEATURE_MODULES } from '../apps/api/src/features';
import { RefundsService } from '../apps/api/src/refunds/refunds.service';
import { startTestApp, TEST_SECRET, TestApp } from './support/app';
import {
  casesOfRefund,
  escalate,
  getRefund,
  readCase,
  refundThrough,
  stopScheduler,
  SUBMIT,
  timeline,
} from './support/cases';
import { act, actors, Actors, draft } from './support/refunds';

const ENV = {
  // Every submission is due at once, so every submitted refund is overdue.
  REVIEW_SLA_BUSINESS_DAYS: '0',
  SLA_CHECK_INTERVAL_SECONDS: '3600',
};

const SCHEDULER = { role: 'service', id: 'scheduler' };

/** Overdue reviews: the scan is run by the tests themselves (the scheduler is stopped). */
describe('overdue reviews and their support cases', () => {
  let t: TestApp;
  let a: Actors;
  let scan: () => Promise<string[]>;
  beforeAll(async () => {
    t = await startTestApp(ENV);
    await stopScheduler(t.app);
    a = await actors(t);
    const refunds = t.app.get(RefundsService);
    scan = () => refunds.escalateOverdue();
  });
  afterAll(() => t.close());

  const escalations = async (refundId: string) =>
    (await timeline(t, a.agent, refundId)).filter((event) => event.action === 'escalate');

  it('opens a HIGH REVIEW_OVERDUE case on the SYSTEM channel, with an escalate event by the scheduler', async () => {
    const refundId = await refundThrough(t, a, [SUBMIT]);
    const before = await getRefund(t, a.customer, refundId);

    expect(await scan()).toContain(refundId);

    const refund = await getRefund(t, a.customer, refundId);
    expect(refund).toMatchObject({ status: 'SUBMITTED', version: before.version });
    expect(await readCase(t, a.agent, refund.caseId)).toMatchObject({
      refundId,
      customerId: 'cus-1',
      reason: 'REVIEW_OVERDUE',
      priority: 'HIGH',
      channel: 'SYSTEM',
      status: 'NEW',
    });
    expect(await escalations(refundId)).toEqual([
      expect.objectContaining({ fromStatus: 'SUBMITTED', toStatus: 'SUBMITTED', actor: SCHEDULER }),
    ]);
    // The customer can read why their case was opened.
    const [message] = await readCase(t, a.customer, refund.caseId, '/messages');
    expect(message.body).toContain(before.reviewDueAt);
  });

  it('escalates a deadline once: later scans leave the refund alone', async () => {
    const refundId = await refundThrough(t, a, [SUBMIT, ['merchant', 'start-review']]);
    expect(await scan()).toContain(refundId);
    expect(await scan()).not.toContain(refundId);
    expect(await scan()).not.toContain(refundId);
    expect(await casesOfRefund(t, a.agent, refundId)).toHaveLength(1);
    expect(await escalations(refundId)).toHaveLength(1);
  });

  it('leaves drafts and answered reviews alone', async () => {
    const drafted = (await draft(t, a)).id as string;
    const approved = await refundThrough(t, a, [SUBMIT, ['merchant', 'approve']]);
    const escalated = await scan();
    expect(escalated).not.toContain(drafted);
    expect(escalated).not.toContain(approved);
    expect(await casesOfRefund(t, a.agent, approved)).toEqual([]);
  });

  it('escalates a resubmission’s new deadline again, into the case still open', async () => {
    const refundId = await refundThrough(t, a, [SUBMIT]);
    await scan();
    const { caseId } = await getRefund(t, a.agent, refundId);
    const asked = await act(t, a.merchant, refundId, 'request-info', {
      question: 'Which courier?',
    });
    expect(asked.status).toBe(200);
    const answered = await act(t, a.customer, refundId, 'provide-info', { answer: 'JNE' });
    expect(answered.status).toBe(200);

    expect(await scan()).toContain(refundId);

    expect((await getRefund(t, a.agent, refundId)).caseId).toBe(caseId);
    expect(await casesOfRefund(t, a.agent, refundId)).toHaveLength(1);
    expect(await escalations(refundId)).toHaveLength(2);
    expect(await readCase(t, a.agent, caseId, '/messages')).toHaveLength(2);
  });

  it('makes a customer’s escalation of an overdue review HIGH', async () => {
    const refundId = await refundThrough(t, a, [SUBMIT]);
    const res = await escalate(t, a.customer, refundId, { message: 'It has been too long.' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ reason: 'CUSTOMER_REQUEST', priority: 'HIGH' });
  });

  it('joins the customer’s case when the review becomes overdue: NORMAL → HIGH, reason REVIEW_OVERDUE', async () => {
    // Escalated while still a draft: not overdue, so NORMAL.
    const refundId = (await draft(t, a)).id as string;
    const opened = await escalate(t, a.customer, refundId, { message: 'How do I apply?' });
    expect(opened.body).toMatchObject({ priority: 'NORMAL', reason: 'CUSTOMER_REQUEST' });
    expect((await act(t, a.customer, refundId, 'submit')).status).toBe(200);

    expect(await scan()).toContain(refundId);

    expect((await getRefund(t, a.customer, refundId)).caseId).toBe(opened.body.id);
    expect(await casesOfRefund(t, a.agent, refundId)).toHaveLength(1);
    expect(await readCase(t, a.agent, opened.body.id)).toMatchObject({
      reason: 'REVIEW_OVERDUE',
      priority: 'HIGH',
      channel: 'IN_APP_CHAT',
    });
    const history = await readCase(t, a.agent, opened.body.id, '/history');
    expect(history).toEqual([
      expect.objectContaining({
        sequence: 1,
        change: 'opened',
        actor: { role: 'customer', id: 'cus-1' },
        details: expect.objectContaining({ reason: 'CUSTOMER_REQUEST', priority: 'NORMAL' }),
      }),
      expect.objectContaining({
        sequence: 2,
        change: 'joined',
        details: expect.objectContaining({
          reason: { from: 'CUSTOMER_REQUEST', to: 'REVIEW_OVERDUE', joinedAs: 'REVIEW_OVERDUE' },
          priority: { from: 'NORMAL', to: 'HIGH' },
        }),
      }),
    ]);
  });

  it.each([
    ['merchant', 'approve', { note: 'Courier confirmed the loss.' }, 'APPROVED', 'approved'],
    ['agent', 'reject', { reason: 'Delivered and signed for.' }, 'REJECTED', 'rejected'],
  ] as const)(
    'solves the open REVIEW_OVERDUE case when the %s decides (%s), saying what was decided',
    async (who, action, body, outcome, verb) => {
      const refundId = await refundThrough(t, a, [SUBMIT]);
      await scan();
      const { caseId } = await getRefund(t, a.customer, refundId);

      expect((await act(t, a[who], refundId, action, body)).status).toBe(200);

      expect(await readCase(t, a.customer, caseId)).toMatchObject({
        status: 'SOLVED',
        reason: 'REVIEW_OVERDUE',
        outcome,
        solvedAt: expect.any(String),
      });
      const messages = await readCase(t, a.customer, caseId, '/messages');
      expect(messages.at(-1)).toMatchObject({
        author: { role: who, id: who === 'merchant' ? 'mer-1' : 'agt-1' },
        internal: false,
      });
      expect(messages.at(-1).body).toContain(verb);
      expect(messages.at(-1).body).toContain(Object.values(body)[0]);
    },
  );

  describe('two scanners at once', () => {
    const SCANS = 4;
    let other: NestFastifyApplication;
    let otherScan: () => Promise<string[]>;
    beforeAll(async () => {
      // A second instance of the service on the same database.
      const config = loadConfig({
        ...ENV,
        AUTH_JWT_SECRET: TEST_SECRET,
        RATE_LIMIT_PER_MINUTE: '0',
        DATABASE_URL: t.db.url,
        // Through a pooler (the PgBouncer run), configured as a deployment behind one is.
        DATABASE_DIRECT_URL: t.db.url === t.db.directUrl ? '' : t.db.directUrl,
      });
      other = await createApp(config, pino({ level: 'silent' }), FEATURE_MODULES);
      await other.init();
      await stopScheduler(other);
      const refunds = other.get(RefundsService);
      otherScan = () => refunds.escalateOverdue();
      // Nothing overdue left over from the tests above.
      await scan();
    });
    afterAll(() => other.close());

    it('escalate each overdue refund exactly once, across instances', async () => {
      const refundIds: string[] = [];
      for (let i = 0; i < 8; i++) refundIds.push(await refundThrough(t, a, [SUBMIT]));

      const results = await Promise.all([
        ...Array.from({ length: SCANS }, () => scan()),
        ...Array.from({ length: SCANS }, () => otherScan()),
      ]);

      const claimed = results.flat().sort();
      expect(claimed).toEqual([...refundIds].sort());
      for (const refundId of refundIds) {
        const cases = await casesOfRefund(t, a.agent, refundId);
        expect(cases).toEqual([expect.objectContaining({ reason: 'REVIEW_OVERDUE' })]);
        expect(await escalations(refundId)).toEqual([
          expect.objectContaining({ actor: SCHEDULER }),
        ]);
        expect(await readCase(t, a.agent, cases[0].id, '/history')).toHaveLength(1);
        expect((await getRefund(t, a.agent, refundId)).caseId).toBe(cases[0].id);
      }
    });

    it('leave one case per refund when customers escalate at the same moment', async () => {
      const refundIds: string[] = [];
      for (let i = 0; i < 6; i++) refundIds.push(await refundThrough(t, a, [SUBMIT]));

      const [responses] = await Promise.all([
        Promise.all(refundIds.map((id) => escalate(t, a.customer, id, { message: 'Hello?' }))),
        scan(),
        otherScan(),
        scan(),
      ]);

      for (const res of responses) {
        expect([200, 201]).toContain(res.status);
        expect(res.body.priority).toBe('HIGH');
      }
      for (const refundId of refundIds) {
        const cases = await casesOfRefund(t, a.agent, refundId);
        expect(cases).toHaveLength(1);
        expect(cases[0].priority).toBe('HIGH');
        const events = await escalations(refundId);
        expect(events.map((event) => event.actor.role).sort()).toEqual(['customer', 'service']);
        expect(await readCase(t, a.agent, cases[0].id, '/messages')).toHaveLength(2);
      }
    });
  });
});
