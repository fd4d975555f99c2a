import { DateTime } from 'luxon';
import {
  higherPriority,
  higherReason,
  isBreached,
  nextDueAt,
  OPEN_CASE_STATUSES,
  PRIORITY_ORDER,
  REASON_RANK,
  resumeSla,
  SlaPolicy,
  slaTargets,
} from './case-sla';

const JAKARTA = 'Asia/Jakarta'; // UTC+7, no daylight saving
const DEFAULT_TARGETS = {
  URGENT: { firstResponse: 1, resolution: 8 },
  HIGH: { firstResponse: 4, resolution: 24 },
  NORMAL: { firstResponse: 8, resolution: 72 },
  LOW: { firstResponse: 24, resolution: 120 },
};
const office: SlaPolicy = {
  calendar: { timeZone: JAKARTA, holidays: [] },
  hours: { start: '09:00', end: '18:00' },
  targets: DEFAULT_TARGETS,
};
const allDay: SlaPolicy = { ...office, hours: { start: '00:00', end: '24:00' } };

/** A local wall-clock time in Jakarta, as an instant. 2026-11-23 is a Monday. */
const at = (local: string): Date => DateTime.fromISO(local, { zone: JAKARTA }).toJSDate();
const local = (instant: Date): string =>
  DateTime.fromJSDate(instant, { zone: JAKARTA }).toFormat("ccc yyyy-MM-dd'T'HH:mm:ss.SSS");
const plus = (instant: Date, ms: number): Date => new Date(instant.getTime() + ms);

describe('priorities', () => {
  it('orders the queue most urgent first', () => {
    expect(PRIORITY_ORDER).toEqual(['URGENT', 'HIGH', 'NORMAL', 'LOW']);
  });

  it('raises to the more urgent of two priorities, whichever comes first', () => {
    expect(higherPriority('NORMAL', 'HIGH')).toBe('HIGH');
    expect(higherPriority('HIGH', 'NORMAL')).toBe('HIGH');
    expect(higherPriority('URGENT', 'HIGH')).toBe('URGENT');
    expect(higherPriority('LOW', 'URGENT')).toBe('URGENT');
  });

  it('never lowers a priority: an equal or lower one leaves it as it is', () => {
    for (const priority of PRIORITY_ORDER) {
      expect(higherPriority(priority, priority)).toBe(priority);
      expect(higherPriority(priority, 'LOW')).toBe(priority);
    }
  });
});

describe('open cases', () => {
  it('counts NEW, OPEN, PENDING_CUSTOMER and ON_HOLD as open, SOLVED and CLOSED as not', () => {
    expect([...OPEN_CASE_STATUSES].sort()).toEqual(['NEW', 'ON_HOLD', 'OPEN', 'PENDING_CUSTOMER']);
    expect(OPEN_CASE_STATUSES).not.toContain('SOLVED');
    expect(OPEN_CASE_STATUSES).not.toContain('CLOSED');
  });
});

describe('slaTargets', () => {
  it('sets each priority its own targets, in business hours from when the case opened', () => {
    const opened = at('2026-11-24T10:00'); // Tuesday
    const due = (priority: 'URGENT' | 'HIGH' | 'NORMAL' | 'LOW') => {
      const targets = slaTargets(opened, priority, office);
      return [local(targets.firstResponseDueAt), local(targets.resolutionDueAt)];
    };
    // Tuesday has 8 business hours left: a target that uses them up exactly ends at 18:00.
    expect(due('URGENT')).toEqual(['Tue 2026-11-24T11:00:00.000', 'Tue 2026-11-24T18:00:00.000']);
    expect(due('HIGH')).toEqual(['Tue 2026-11-24T14:00:00.000', 'Thu 2026-11-26T16:00:00.000']);
    expect(due('NORMAL')).toEqual(['Tue 2026-11-24T18:00:00.000', 'Fri 2026-12-04T10:00:00.000']);
    expect(due('LOW')).toEqual(['Thu 2026-11-26T16:00:00.000', 'Fri 2026-12-11T13:00:00.000']);
  });

  it('carries a target over the weekend: a Friday-evening case is answered on Monday', () => {
    const targets = slaTargets(at('2026-11-27T17:00'), 'HIGH', office);
    expect(local(targets.firstResponseDueAt)).toBe('Mon 2026-11-30T12:00:00.000');
    // 1 h on Friday, 9 on Monday, 9 on Tuesday, 5 on Wednesday.
    expect(local(targets.resolutionDueAt)).toBe('Wed 2026-12-02T14:00:00.000');
  });

  it('counts from the next opening when a case opens outside business hours', () => {
    const targets = slaTargets(at('2026-11-24T03:00'), 'URGENT', office);
    expect(local(targets.firstResponseDueAt)).toBe('Tue 2026-11-24T10:00:00.000');
    expect(local(targets.resolutionDueAt)).toBe('Tue 2026-11-24T17:00:00.000');
  });

  it('skips configured holidays', () => {
    const policy: SlaPolicy = {
      ...office,
      calendar: { timeZone: JAKARTA, holidays: ['2026-11-25'] },
    };
    const targets = slaTargets(at('2026-11-24T17:00'), 'URGENT', policy);
    expect(local(targets.firstResponseDueAt)).toBe('Tue 2026-11-24T18:00:00.000');
    expect(local(targets.resolutionDueAt)).toBe('Thu 2026-11-26T16:00:00.000');
  });

  it('with hours of 00:00-24:00, a weekday target is plain elapsed time, to the millisecond', () => {
    const opened = at('2026-11-24T23:59:59.000');
    const tiny: SlaPolicy = {
      ...allDay,
      targets: { ...DEFAULT_TARGETS, NORMAL: { firstResponse: 0.001, resolution: 0.002 } },
    };
    const targets = slaTargets(opened, 'NORMAL', tiny);
    expect(targets.firstResponseDueAt).toEqual(plus(opened, 3_600));
    expect(targets.resolutionDueAt).toEqual(plus(opened, 7_200));
  });

  it('still skips the weekend with hours of 00:00-24:00', () => {
    const targets = slaTargets(at('2026-11-28T12:00'), 'URGENT', allDay); // Saturday
    expect(local(targets.firstResponseDueAt)).toBe('Mon 2026-11-30T01:00:00.000');
    expect(local(targets.resolutionDueAt)).toBe('Mon 2026-11-30T08:00:00.000');
    // Seconds before Friday midnight, what is left of a target of seconds lands on Monday.
    const tiny: SlaPolicy = {
      ...allDay,
      targets: { ...DEFAULT_TARGETS, URGENT: { firstResponse: 0.001, resolution: 0.002 } },
    };
    const late = slaTargets(at('2026-11-27T23:59:58'), 'URGENT', tiny);
    expect(local(late.firstResponseDueAt)).toBe('Mon 2026-11-30T00:00:01.600');
  });
});

describe('isBreached', () => {
  const opened = at('2026-11-24T10:00');
  const facts = {
    firstResponseDueAt: at('2026-11-24T11:00'),
    resolutionDueAt: at('2026-11-25T09:00'),
    firstRespondedAt: null,
    solvedAt: null,
  };

  it('is not breached while both targets are still ahead', () => {
    expect(isBreached(facts, opened)).toBe(false);
    expect(isBreached(facts, facts.firstResponseDueAt)).toBe(false);
  });

  it('is breached once the first-response target passes unmet', () => {
    expect(isBreached(facts, plus(facts.firstResponseDueAt, 1))).toBe(true);
  });

  it('stays unbreached after a timely first response, until the resolution target passes', () => {
    const answered = { ...facts, firstRespondedAt: at('2026-11-24T10:30') };
    expect(isBreached(answered, at('2026-11-24T15:00'))).toBe(false);
    expect(isBreached(answered, plus(facts.resolutionDueAt, 1))).toBe(true);
  });

  it('counts a late first response as a breach for good', () => {
    const late = { ...facts, firstRespondedAt: at('2026-11-24T11:30') };
    expect(isBreached(late, at('2026-11-24T12:00'))).toBe(true);
    expect(isBreached({ ...late, solvedAt: at('2026-11-24T12:00') }, at('2026-12-01T00:00'))).toBe(
      true,
    );
  });

  it('is never breached later for a case answered and solved in time', () => {
    const done = {
      ...facts,
      firstRespondedAt: at('2026-11-24T10:30'),
      solvedAt: at('2026-11-24T16:00'),
    };
    expect(isBreached(done, at('2027-01-01T00:00'))).toBe(false);
  });

  it('counts a solution after the resolution target as a breach', () => {
    const solvedLate = {
      ...facts,
      firstRespondedAt: at('2026-11-24T10:30'),
      solvedAt: plus(facts.resolutionDueAt, 60_000),
    };
    expect(isBreached(solvedLate, at('2027-01-01T00:00'))).toBe(true);
  });
});

describe('nextDueAt', () => {
  const facts = {
    firstResponseDueAt: at('2026-11-24T11:00'),
    resolutionDueAt: at('2026-11-25T09:00'),
  };

  it('races the first-response target until there is a first response', () => {
    expect(nextDueAt({ ...facts, firstRespondedAt: null })).toEqual(facts.firstResponseDueAt);
  });

  it('races the resolution target once the case has been answered', () => {
    const answered = { ...facts, firstRespondedAt: at('2026-11-24T10:30') };
    expect(nextDueAt(answered)).toEqual(facts.resolutionDueAt);
  });
});

describe('resumeSla', () => {
  // Indonesia's calendar: Friday 25 December 2026 (Christmas) is a public holiday.
  const indonesia: SlaPolicy = {
    ...office,
    calendar: { timeZone: JAKARTA, holidays: [], country: 'ID' },
  };
  const opened = at('2026-12-24T10:00'); // Thursday
  const targets = slaTargets(opened, 'NORMAL', indonesia);

  it('moves unmet targets by the business hours paused only: a night, a weekend and a holiday', () => {
    expect(local(targets.firstResponseDueAt)).toBe('Thu 2026-12-24T18:00:00.000');
    // Paused Thursday 16:00 to Monday 11:00: two hours on Thursday, two on Monday.
    const resumed = resumeSla(
      { ...targets, firstRespondedAt: null, slaPausedSince: at('2026-12-24T16:00') },
      at('2026-12-28T11:00'),
      indonesia,
    );
    expect(resumed.pausedHours).toBe(4);
    expect(local(resumed.firstResponseDueAt)).toBe('Mon 2026-12-28T13:00:00.000');
    // 72 business hours from Thursday 10:00 (1 and 5 January are holidays too) end Friday
    // 8 January 10:00: four hours later.
    expect(local(targets.resolutionDueAt)).toBe('Fri 2027-01-08T10:00:00.000');
    expect(local(resumed.resolutionDueAt)).toBe('Fri 2027-01-08T14:00:00.000');
  });

  it('keeps a target missed before the pause missed, and a met one where it was', () => {
    const missed = resumeSla(
      { ...targets, firstRespondedAt: null, slaPausedSince: at('2026-12-24T18:30') },
      at('2026-12-28T11:00'),
      indonesia,
    );
    expect(missed.firstResponseDueAt).toEqual(targets.firstResponseDueAt);
    expect(local(missed.resolutionDueAt)).toBe('Fri 2027-01-08T12:00:00.000');

    const answered = resumeSla(
      {
        ...targets,
        firstRespondedAt: at('2026-12-24T11:00'),
        slaPausedSince: at('2026-12-24T16:00'),
      },
      at('2026-12-28T11:00'),
      indonesia,
    );
    expect(answered.firstResponseDueAt).toEqual(targets.firstResponseDueAt);
    expect(local(answered.resolutionDueAt)).toBe('Fri 2027-01-08T14:00:00.000');
  });

  it('moves nothing for a pause outside business hours', () => {
    const resumed = resumeSla(
      { ...targets, firstRespondedAt: null, slaPausedSince: at('2026-12-24T18:00') },
      at('2026-12-28T08:00'),
      indonesia,
    );
    expect(resumed.pausedHours).toBe(0);
    expect(resumed.resolutionDueAt).toEqual(targets.resolutionDueAt);
  });

  it('adds the hours paused so far when targets are computed again', () => {
    const again = slaTargets(opened, 'NORMAL', indonesia, 4);
    expect(local(again.firstResponseDueAt)).toBe('Mon 2026-12-28T13:00:00.000');
  });
});

describe('isBreached while paused', () => {
  const facts = {
    firstResponseDueAt: at('2026-11-24T11:00'),
    resolutionDueAt: at('2026-11-25T09:00'),
    firstRespondedAt: null,
    solvedAt: null,
  };

  it('is not breached while paused before a target passed, whatever the time', () => {
    const paused = { ...facts, slaPausedSince: at('2026-11-24T10:30') };
    expect(isBreached(paused, at('2026-12-01T00:00'))).toBe(false);
  });

  it('stays breached when the target had passed before the pause', () => {
    const paused = { ...facts, slaPausedSince: at('2026-11-24T11:30') };
    expect(isBreached(paused, at('2026-12-01T00:00'))).toBe(true);
  });
});

describe('reasons', () => {
  it('ranks UNAUTHORIZED_TRANSACTION > DISPUTE > REVIEW_OVERDUE > CUSTOMER_REQUEST', () => {
    expect(REASON_RANK).toEqual([
      'UNAUTHORIZED_TRANSACTION',
      'DISPUTE',
      'REVIEW_OVERDUE',
      'CUSTOMER_REQUEST',
    ]);
  });

  it('never lets a reason fall, whichever comes first', () => {
    expect(higherReason('REVIEW_OVERDUE', 'CUSTOMER_REQUEST')).toBe('REVIEW_OVERDUE');
    expect(higherReason('CUSTOMER_REQUEST', 'REVIEW_OVERDUE')).toBe('REVIEW_OVERDUE');
    expect(higherReason('UNAUTHORIZED_TRANSACTION', 'DISPUTE')).toBe('UNAUTHORIZED_TRANSACTION');
    expect(higherReason('DISPUTE', 'REVIEW_OVERDUE')).toBe('DISPUTE');
  });
});
