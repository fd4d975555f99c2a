import { DateTime } from 'luxon';
import { addBusinessHours, businessHoursBetween } from '../apps/api/src/common/business-time';
import { businessCalendar } from '../apps/api/src/config/app-config';
import { startTestApp, TestApp } from './support/app';
import {
  caseAction,
  escalate,
  readCase,
  refundThrough,
  SUBMIT,
  stopScheduler,
} from './support/cases';
import { actors, Actors } from './support/refunds';

const ZONE = 'Asia/Jakarta';
// The latest Monday 00:00 in Jakarta (today, on a Monday); the Thursday and Friday before it.
const monday = DateTime.now().setZone(ZONE).startOf('week');
const thursday4pm = monday.minus({ days: 4 }).set({ hour: 16 });
const friday = monday.minus({ days: 3 });

describe('case SLAs wait with the case', () => {
  let t: TestApp;
  let a: Actors;
  beforeAll(async () => {
    t = await startTestApp({
      BUSINESS_TIMEZONE: ZONE,
      BUSINESS_HOURS: '09:00-18:00',
      // Last Friday is a holiday; no country calendar, so that no other day is off.
      HOLIDAYS_COUNTRY: 'none',
      HOLIDAYS: friday.toISODate() ?? '',
    });
    await stopScheduler(t.app);
    a = await actors(t);
  });
  afterAll(() => t.close());

  async function newCase(): Promise<Record<string, any>> {
    const refundId = await refundThrough(t, a, [SUBMIT]);
    const res = await escalate(t, a.customer, refundId);
    expect(res.status).toBe(201);
    return res.body;
  }

  const history = async (id: string) =>
    (await readCase(t, a.agent, id, '/history')) as Record<string, any>[];

  it('stops the clock while the case waits on the customer, and records pause and resume', async () => {
    const supportCase = await newCase();
    expect(supportCase.slaPausedSince).toBeNull();
    const pending = await caseAction(t, a.agent, supportCase.id, 'pending');
    expect(pending.status).toBe(200);
    expect(pending.body.status).toBe('PENDING_CUSTOMER');
    expect(Date.parse(pending.body.slaPausedSince)).toBeGreaterThan(Date.now() - 60_000);

    // A customer's reply hands the case back, and the clock runs again.
    const reply = await caseAction(t, a.customer, supportCase.id, 'messages', { body: 'Here.' });
    expect(reply.body.status).toBe('OPEN');
    expect(reply.body.slaPausedSince).toBeNull();
    const changes = (await history(supportCase.id)).map((entry) => entry.change);
    expect(changes).toEqual(['opened', 'pending', 'sla-paused', 'message', 'sla-resumed']);
  });

  it('treats a move between two paused statuses as one pause, and ends it on solving', async () => {
    const t2 = await startTestApp({ SLA_PAUSE_STATUSES: 'PENDING_CUSTOMER,ON_HOLD' });
    try {
      await stopScheduler(t2.app);
      const b = await actors(t2);
      const refundId = await refundThrough(t2, b, [SUBMIT]);
      const { body: supportCase } = await escalate(t2, b.customer, refundId);
      const pending = await caseAction(t2, b.agent, supportCase.id, 'pending');
      const held = await caseAction(t2, b.agent, supportCase.id, 'hold');
      expect(held.body.status).toBe('ON_HOLD');
      expect(held.body.slaPausedSince).toBe(pending.body.slaPausedSince);
      const solved = await caseAction(t2, b.agent, supportCase.id, 'solve');
      expect(solved.body.status).toBe('SOLVED');
      expect(solved.body.slaPausedSince).toBeNull();
      const changes = ((await readCase(t2, b.agent, supportCase.id, '/history')) as any[]).map(
        (entry) => entry.change,
      );
      expect(changes).toEqual(['opened', 'pending', 'sla-paused', 'hold', 'solved', 'sla-resumed']);
    } finally {
      await t2.close();
    }
  });

  it('moves the targets by business hours only over a night, a weekend and a holiday', async () => {
    const waiting = await newCase();
    const other = await newCase();
    await caseAction(t, a.agent, waiting.id, 'pending');
    // The case has waited since Thursday 16:00; both targets were due on Thursday after that,
    // and have passed by the clock on the wall. The other case is due in ten minutes.
    const pausedSince = thursday4pm.toJSDate();
    const firstResponseDueAt = thursday4pm.set({ hour: 17 }).toJSDate();
    const resolutionDueAt = thursday4pm.set({ hour: 17, minute: 30 }).toJSDate();
    await t.query(
      `UPDATE support_cases SET sla_paused_since = $2, first_response_due_at = $3,
         resolution_due_at = $4, due_at = $3 WHERE id = $1`,
      [waiting.id, pausedSince, firstResponseDueAt, resolutionDueAt],
    );
    const soon = new Date(Date.now() + 10 * 60_000);
    await t.query(
      `UPDATE support_cases SET first_response_due_at = $2, due_at = $2 WHERE id = $1`,
      [other.id, soon],
    );
    const queue = async () => {
      const res = await t.http
        .get('/v1/cases')
        .query({ open: 'true' })
        .set('Authorization', a.agent);
      return (res.body.data as Record<string, any>[])
        .map((c) => c.id)
        .filter((id) => [waiting.id, other.id].includes(id));
    };

    // Paused: not breached, although its targets passed on the wall clock.
    const paused = await readCase(t, a.agent, waiting.id);
    expect(paused.breached).toBe(false);
    const breachedQueue = await t.http
      .get('/v1/cases')
      .query({ breached: 'true' })
      .set('Authorization', a.agent);
    expect(breachedQueue.body.data.map((c: { id: string }) => c.id)).not.toContain(waiting.id);
    expect(await queue()).toEqual([waiting.id, other.id]);

    const reply = await caseAction(t, a.customer, waiting.id, 'messages', { body: 'Back now.' });
    expect(reply.status).toBe(200);
    const resumed = (await history(waiting.id)).at(-1)!;
    expect(resumed.change).toBe('sla-resumed');
    const resumedAt = new Date(resumed.createdAt);

    // Thursday 16:00–18:00 counts two hours; the night, the Friday holiday and the weekend count
    // nothing; from Monday on, the business hours up to the resume.
    const calendar = businessCalendar(t.config);
    const hours = t.config.businessHours;
    const expectedHours = 2 + businessHoursBetween(monday.toJSDate(), resumedAt, calendar, hours);
    expect(resumed.details.businessHoursPaused).toBeCloseTo(expectedHours, 2);
    const wallClockHours = (resumedAt.getTime() - pausedSince.getTime()) / 3_600_000;
    expect(wallClockHours - expectedHours).toBeGreaterThan(24 * 3);

    const moved = reply.body;
    const movedBy = (due: Date) => addBusinessHours(due, expectedHours, calendar, hours).getTime();
    expect(
      Math.abs(Date.parse(moved.firstResponseDueAt) - movedBy(firstResponseDueAt)),
    ).toBeLessThan(50);
    expect(Math.abs(Date.parse(moved.resolutionDueAt) - movedBy(resolutionDueAt))).toBeLessThan(50);
    expect(Date.parse(moved.firstResponseDueAt)).toBeGreaterThan(resumedAt.getTime());
    expect(moved.breached).toBe(false);
    expect(moved.slaPausedSince).toBeNull();
    // The queue follows the moved targets: the other case is now due first.
    expect(await queue()).toEqual([other.id, waiting.id]);
  });

  it('keeps a target missed before the pause missed', async () => {
    const late = await newCase();
    const pausedSince = new Date(Date.now() - 60_000);
    const missed = new Date(Date.now() - 120_000);
    await caseAction(t, a.agent, late.id, 'pending');
    await t.query(
      `UPDATE support_cases SET sla_paused_since = $2, first_response_due_at = $3, due_at = $3
         WHERE id = $1`,
      [late.id, pausedSince, missed],
    );
    expect((await readCase(t, a.agent, late.id)).breached).toBe(true);
    const reply = await caseAction(t, a.customer, late.id, 'messages', { body: 'Back.' });
    expect(reply.body.firstResponseDueAt).toBe(missed.toISOString());
    expect(reply.body.breached).toBe(true);
  });
});
