import { DateTime } from 'luxon';
import { Client } from 'pg';
import { SlaPolicy, slaTargets } from '../apps/api/src/cases/case-sla';
import { businessCalendar } from '../apps/api/src/config/app-config';
import { startTestApp, TestApp } from './support/app';
import {
  caseAction,
  casesOfRefund,
  escalate,
  eventually,
  getRefund,
  readCase,
  refundThrough,
  sleep,
  SUBMIT,
  timeline,
} from './support/cases';
import { actors, Actors, draft } from './support/refunds';

/** 0.001 h = 3.6 s to first response, 0.002 h = 7.2 s to resolution, for every priority. */
const CASE_SLA_HOURS = 'URGENT=0.001/0.002,HIGH=0.001/0.002,NORMAL=0.001/0.002,LOW=0.001/0.002';
const FIRST_RESPONSE_MS = 3_600;
const RESOLUTION_MS = 7_200;

/**
 * Business-hours maths skips weekends even with hours of 00:00-24:00, so a target of seconds set
 * on a Saturday falls on Monday. Jakarta, or else any whole-hour zone where it is a weekday now
 * and for the next minutes, keeps the targets seconds away. From Saturday 12:00 to Sunday 10:00
 * UTC there is none: the tests then check the same arithmetic and move the due time instead.
 */
function weekdayZone(): string | undefined {
  const offsets = Array.from({ length: 27 }, (_, i) => i - 12);
  const zones = [
    'Asia/Jakarta',
    // Etc/GMT-7 is UTC+7: the POSIX sign is inverted.
    ...offsets.map((h) => (h === 0 ? 'Etc/UTC' : `Etc/GMT${h > 0 ? '-' : '+'}${Math.abs(h)}`)),
  ];
  const now = DateTime.utc();
  return zones.find((zone) =>
    [0, 10].every((minutes) => now.plus({ minutes }).setZone(zone).weekday <= 5),
  );
}

const SCHEDULER = { role: 'service', id: 'scheduler' };

describe('case SLAs, and the overdue scan of the running service', () => {
  const zone = weekdayZone();
  let t: TestApp;
  let a: Actors;
  let policy: SlaPolicy;
  beforeAll(async () => {
    t = await startTestApp({
      REVIEW_SLA_BUSINESS_DAYS: '0',
      SLA_CHECK_INTERVAL_SECONDS: '1',
      CASE_SLA_HOURS,
      BUSINESS_HOURS: '00:00-24:00',
      BUSINESS_TIMEZONE: zone ?? 'Asia/Jakarta',
      // The zone is picked for being a weekday now: no public holiday may make it a day off.
      HOLIDAYS_COUNTRY: 'none',
    });
    a = await actors(t);
    policy = {
      calendar: businessCalendar(t.config),
      hours: t.config.businessHours,
      targets: t.config.caseSlaHours,
    };
  });
  afterAll(() => t.close());

  /**
   * Lets the case's first-response target pass: waits for it when it is seconds away (always on
   * a weekday), or else moves it to a second ago, as the clock would on Monday.
   */
  async function letFirstResponseTargetPass(supportCase: {
    id: string;
    firstResponseDueAt: string;
  }) {
    const wait = Date.parse(supportCase.firstResponseDueAt) - Date.now();
    if (wait < 15_000) return sleep(Math.max(wait, 0) + 100);
    const db = new Client({ connectionString: t.db.url });
    await db.connect();
    try {
      await db.query(
        `UPDATE support_cases SET first_response_due_at = now() - interval '1 second',
                due_at = now() - interval '1 second' WHERE id = $1`,
        [supportCase.id],
      );
    } finally {
      await db.end();
    }
  }

  /** A fresh NORMAL case: escalated from a draft, which no review scan touches. */
  async function newCase() {
    const refundId = (await draft(t, a)).id as string;
    const res = await escalate(t, a.customer, refundId, { message: 'How does this work?' });
    expect(res.status).toBe(201);
    return res.body;
  }

  const queue = async (query: Record<string, string>) => {
    const res = await t.http.get('/v1/cases').query(query).set('Authorization', a.agent);
    expect(res.status).toBe(200);
    return (res.body.data as { id: string }[]).map((c) => c.id);
  };

  describe('the overdue scan (REVIEW_SLA_BUSINESS_DAYS=0, SLA_CHECK_INTERVAL_SECONDS=1)', () => {
    it('escalates a submitted refund into a HIGH REVIEW_OVERDUE case within seconds, once', async () => {
      const refundId = await refundThrough(t, a, [SUBMIT]);

      const caseId = await eventually(
        async () => (await getRefund(t, a.customer, refundId)).caseId as string | null,
        'the scheduler to escalate the refund',
      );
      expect(await readCase(t, a.agent, caseId)).toMatchObject({
        refundId,
        reason: 'REVIEW_OVERDUE',
        priority: 'HIGH',
        channel: 'SYSTEM',
        status: 'NEW',
      });
      const escalations = async () =>
        (await timeline(t, a.customer, refundId)).filter((event) => event.action === 'escalate');
      expect(await escalations()).toEqual([
        expect.objectContaining({
          fromStatus: 'SUBMITTED',
          toStatus: 'SUBMITTED',
          actor: SCHEDULER,
        }),
      ]);

      // A few more scans later: still one case and one escalation.
      await sleep(2_500);
      expect(await casesOfRefund(t, a.agent, refundId)).toEqual([
        expect.objectContaining({ id: caseId }),
      ]);
      expect(await escalations()).toHaveLength(1);
      expect(await readCase(t, a.agent, caseId, '/messages')).toHaveLength(1);
    });
  });

  describe('targets and breaches (CASE_SLA_HOURS of seconds, BUSINESS_HOURS=00:00-24:00)', () => {
    it('sets the first-response and resolution targets from CASE_SLA_HOURS', async () => {
      const supportCase = await newCase();
      const createdAt = new Date(supportCase.createdAt);
      const expected = slaTargets(createdAt, 'NORMAL', policy);
      expect(supportCase.firstResponseDueAt).toBe(expected.firstResponseDueAt.toISOString());
      expect(supportCase.resolutionDueAt).toBe(expected.resolutionDueAt.toISOString());
      if (zone) {
        // On a business day these targets are plain elapsed time.
        expect(Date.parse(supportCase.firstResponseDueAt)).toBe(
          createdAt.getTime() + FIRST_RESPONSE_MS,
        );
        expect(Date.parse(supportCase.resolutionDueAt)).toBe(createdAt.getTime() + RESOLUTION_MS);
      }
    });

    it('is breached once the first-response target passes unanswered, and the queue filter finds it', async () => {
      const unanswered = await newCase();
      const answered = await newCase();
      const reply = await caseAction(t, a.agent, answered.id, 'messages', {
        body: 'We are on it.',
      });
      expect(reply.status).toBe(200);
      for (const supportCase of [unanswered, answered]) {
        expect(supportCase.breached).toBe(false);
        expect((await readCase(t, a.agent, supportCase.id)).breached).toBe(false);
      }
      expect(await queue({ breached: 'false', refundId: unanswered.refundId })).toEqual([
        unanswered.id,
      ]);
      expect(await queue({ breached: 'true', refundId: unanswered.refundId })).toEqual([]);

      await letFirstResponseTargetPass(unanswered);

      expect((await readCase(t, a.agent, unanswered.id)).breached).toBe(true);
      expect((await readCase(t, a.customer, unanswered.id)).breached).toBe(true);
      // Answered in time, and the resolution target is still ahead.
      expect((await readCase(t, a.agent, answered.id)).breached).toBe(false);
      expect(await queue({ breached: 'true', refundId: unanswered.refundId })).toEqual([
        unanswered.id,
      ]);
      expect(await queue({ breached: 'false', refundId: unanswered.refundId })).toEqual([]);
      expect(await queue({ breached: 'true', refundId: answered.refundId })).toEqual([]);
      const breached = await queue({ breached: 'true', limit: '100' });
      expect(breached).toContain(unanswered.id);
      expect(breached).not.toContain(answered.id);
    });

    it('records the first public agent message as the first response; an internal note is not one', async () => {
      const supportCase = await newCase();
      const post = (auth: string, body: Record<string, unknown>) =>
        caseAction(t, auth, supportCase.id, 'messages', body);

      const note = await post(a.agent, { body: 'Checking with the merchant.', internal: true });
      expect(note.status).toBe(200);
      expect(note.body.firstRespondedAt).toBeNull();
      expect((await post(a.customer, { body: 'Anyone there?' })).body.firstRespondedAt).toBeNull();

      const before = Date.now();
      const reply = await post(a.agent, { body: 'Hello, I am looking into it.' });
      expect(reply.status).toBe(200);
      const firstRespondedAt = Date.parse(reply.body.firstRespondedAt);
      expect(firstRespondedAt).toBeGreaterThanOrEqual(before - 5);
      expect(firstRespondedAt).toBeLessThanOrEqual(Date.now() + 5);

      const later = await post(a.agent, { body: 'Still on it.' });
      expect(later.body.firstRespondedAt).toBe(reply.body.firstRespondedAt);
      expect((await readCase(t, a.customer, supportCase.id)).firstRespondedAt).toBe(
        reply.body.firstRespondedAt,
      );
      const history = await readCase(t, a.agent, supportCase.id, '/history');
      expect(
        history.filter((entry: { details?: { firstResponse?: boolean } }) => {
          return entry.details?.firstResponse === true;
        }),
      ).toEqual([
        expect.objectContaining({ change: 'message', actor: { role: 'agent', id: 'agt-1' } }),
      ]);
    });
  });
});
