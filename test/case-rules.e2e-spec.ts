import { SchedulerService } from '../apps/api/src/jobs/scheduler.service';
import { startTestApp, TestApp } from './support/app';
import {
  caseAction,
  DISPUTE,
  escalate,
  getRefund,
  readCase,
  REJECT,
  refundThrough,
  stopScheduler,
  SUBMIT,
} from './support/cases';
import { PNG } from './support/fixtures';
import { act, actors, Actors, draft } from './support/refunds';

const SCHEDULER = { role: 'service', id: 'scheduler' };

/** The case rules the brief settled: reasons never fall, and solved cases close by themselves. */
describe('case rules', () => {
  let t: TestApp;
  let a: Actors;
  let runJob: (name: string) => Promise<void>;
  beforeAll(async () => {
    t = await startTestApp({
      // Every submission is due at once: the overdue scan escalates every submitted refund.
      REVIEW_SLA_BUSINESS_DAYS: '0',
      CASE_AUTO_CLOSE_DAYS: '7',
    });
    await stopScheduler(t.app);
    a = await actors(t);
    const scheduler = t.app.get(SchedulerService);
    runJob = (name) => scheduler.runNow(name);
  });
  afterAll(() => t.close());

  const history = async (caseId: string) =>
    (await readCase(t, a.agent, caseId, '/history')) as Record<string, any>[];

  async function unauthorizedRefund(): Promise<{ refundId: string; caseId: string }> {
    const refund = await draft(t, a, { reasonCode: 'UNAUTHORIZED_TRANSACTION' });
    const upload = await t.http
      .post(`/v1/refunds/${refund.id}/attachments`)
      .set('Authorization', a.customer)
      .field('kind', 'OTHER')
      .attach('file', PNG, { filename: 'screenshot.png', contentType: 'image/png' });
    expect(upload.status).toBe(201);
    const submitted = await act(t, a.customer, refund.id, 'submit');
    expect(submitted.status).toBe(200);
    return { refundId: refund.id, caseId: submitted.body.caseId };
  }

  describe('a reason never falls', () => {
    it('keeps REVIEW_OVERDUE when the customer escalates after the scan, so the decision still solves it', async () => {
      const refundId = await refundThrough(t, a, [SUBMIT]);
      await runJob('refunds.escalate-overdue');
      const { caseId } = await getRefund(t, a.agent, refundId);
      expect(await readCase(t, a.agent, caseId)).toMatchObject({ reason: 'REVIEW_OVERDUE' });

      const joined = await escalate(t, a.customer, refundId, { message: 'Still nothing?' });
      expect(joined.status).toBe(200);
      expect(joined.body).toMatchObject({ id: caseId, reason: 'REVIEW_OVERDUE' });
      // The history keeps the customer's own reason.
      expect((await history(caseId)).at(-1)).toMatchObject({
        change: 'joined',
        details: {
          reason: { from: 'REVIEW_OVERDUE', to: 'REVIEW_OVERDUE', joinedAs: 'CUSTOMER_REQUEST' },
        },
      });

      expect((await act(t, a.merchant, refundId, 'approve', { note: 'Sorry.' })).status).toBe(200);
      expect(await readCase(t, a.agent, caseId)).toMatchObject({
        status: 'SOLVED',
        outcome: 'APPROVED',
      });
    });

    it('raises CUSTOMER_REQUEST to REVIEW_OVERDUE when the scan comes after the escalation', async () => {
      const refundId = await refundThrough(t, a, [SUBMIT]);
      const opened = await escalate(t, a.customer, refundId);
      expect(opened.body.reason).toBe('CUSTOMER_REQUEST');
      await runJob('refunds.escalate-overdue');
      expect(await readCase(t, a.agent, opened.body.id)).toMatchObject({
        reason: 'REVIEW_OVERDUE',
      });
      expect((await act(t, a.merchant, refundId, 'reject', REJECT[2])).status).toBe(200);
      expect((await readCase(t, a.agent, opened.body.id)).status).toBe('SOLVED');
    });

    it('never solves an unauthorized-transaction case by a decision, even once the review was overdue', async () => {
      const { refundId, caseId } = await unauthorizedRefund();
      await runJob('refunds.escalate-overdue');
      expect(await readCase(t, a.agent, caseId)).toMatchObject({
        reason: 'UNAUTHORIZED_TRANSACTION',
        priority: 'URGENT',
      });
      expect((await act(t, a.merchant, refundId, 'approve', { note: 'OK.' })).status).toBe(200);
      expect(await readCase(t, a.agent, caseId)).toMatchObject({
        status: 'NEW',
        solvedAt: null,
        reason: 'UNAUTHORIZED_TRANSACTION',
      });
      expect((await caseAction(t, a.agent, caseId, 'solve')).body.status).toBe('SOLVED');
    });

    it('keeps an unauthorized-transaction case open when the dispute that joined it ends', async () => {
      const { refundId, caseId } = await unauthorizedRefund();
      expect((await act(t, a.merchant, refundId, REJECT[1], REJECT[2])).status).toBe(200);
      expect((await readCase(t, a.agent, caseId)).status).toBe('NEW');
      const disputed = await act(t, a.customer, refundId, DISPUTE[1], DISPUTE[2]);
      expect(disputed.status).toBe(200);
      expect(disputed.body.caseId).toBe(caseId);
      expect((await readCase(t, a.agent, caseId)).reason).toBe('UNAUTHORIZED_TRANSACTION');

      const resolved = await act(t, a.agent, refundId, 'resolve-dispute', {
        outcome: 'CUSTOMER_FAVOUR',
        note: 'The payment was not the customer’s.',
      });
      expect(resolved.status).toBe(200);
      expect(await readCase(t, a.agent, caseId)).toMatchObject({ status: 'NEW', solvedAt: null });
      expect((await history(caseId)).at(-1)).toMatchObject({
        change: 'dispute-ended',
        details: { outcome: 'CUSTOMER_FAVOUR' },
      });
      const messages = await readCase(t, a.customer, caseId, '/messages');
      expect(messages.at(-1).body).toBe('The payment was not the customer’s.');
      // Its dispute is over: an agent may now solve it.
      expect((await caseAction(t, a.agent, caseId, 'solve')).body.status).toBe('SOLVED');
    });
  });

  describe('solved cases close by themselves after CASE_AUTO_CLOSE_DAYS', () => {
    async function solvedCase(daysAgo: number): Promise<string> {
      const refundId = await refundThrough(t, a, [SUBMIT]);
      const { body } = await escalate(t, a.customer, refundId);
      expect((await caseAction(t, a.agent, body.id, 'solve')).status).toBe(200);
      await t.query(
        `UPDATE support_cases SET solved_at = now() - make_interval(days => $2) WHERE id = $1`,
        [body.id, daysAgo],
      );
      return body.id;
    }

    it('closes a case solved more than seven days ago, by the scheduler, with case.closed', async () => {
      const old = await solvedCase(8);
      const recent = await solvedCase(6);
      await runJob('cases.auto-close');

      expect(await readCase(t, a.agent, old)).toMatchObject({ status: 'CLOSED' });
      expect(await readCase(t, a.agent, recent)).toMatchObject({ status: 'SOLVED' });
      expect((await history(old)).at(-1)).toMatchObject({
        change: 'closed',
        actor: SCHEDULER,
        details: { status: { from: 'SOLVED', to: 'CLOSED' }, automatic: true },
      });
      const events = await t.http
        .get('/v1/events')
        .query({ type: 'case.closed', limit: 100 })
        .set('Authorization', a.agent);
      expect(events.body.data.filter((e: any) => e.data.id === old)).toHaveLength(1);
      // CLOSED is final.
      const reopen = await caseAction(t, a.agent, old, 'reopen');
      expect(reopen.status).toBe(409);
    });

    it('leaves a reopened case alone, and counts from its latest solving', async () => {
      const id = await solvedCase(8);
      expect((await caseAction(t, a.agent, id, 'reopen')).body.status).toBe('OPEN');
      await runJob('cases.auto-close');
      expect((await readCase(t, a.agent, id)).status).toBe('OPEN');
      expect((await caseAction(t, a.agent, id, 'solve')).body.status).toBe('SOLVED');
      await runJob('cases.auto-close');
      expect((await readCase(t, a.agent, id)).status).toBe('SOLVED');
    });

    it('closes each case once, however many scans run at the same time', async () => {
      const id = await solvedCase(30);
      await Promise.all([runJob('cases.auto-close'), runJob('cases.auto-close')]);
      const closes = (await history(id)).filter((entry) => entry.change === 'closed');
      expect(closes).toHaveLength(1);
    });
  });
});
