import {
  addBusinessHours,
  BusinessCalendar,
  BusinessHours,
  businessHoursBetween,
} from '../common/business-time';
import type { CasePriority as ConfigPriority, CaseSlaHours } from '../config/app-config';
import { CasePriority, CaseReason, CaseStatus } from '../generated/kysely/enums';

/** Most urgent first: the order of the queue and of "raising" a priority. */
export const PRIORITY_ORDER: readonly CasePriority[] = [
  CasePriority.URGENT,
  CasePriority.HIGH,
  CasePriority.NORMAL,
  CasePriority.LOW,
];

export const OPEN_CASE_STATUSES: readonly CaseStatus[] = [
  CaseStatus.NEW,
  CaseStatus.OPEN,
  CaseStatus.PENDING_CUSTOMER,
  CaseStatus.ON_HOLD,
];

/**
 * Highest first: a case joined by another way in takes the new reason only when it ranks higher,
 * so the reason never falls (an escalation after the overdue scan keeps REVIEW_OVERDUE, which the
 * merchant's decision solves; a stolen wallet's case is never solved by a decision).
 */
export const REASON_RANK: readonly CaseReason[] = [
  CaseReason.UNAUTHORIZED_TRANSACTION,
  CaseReason.DISPUTE,
  CaseReason.REVIEW_OVERDUE,
  CaseReason.CUSTOMER_REQUEST,
];

export function higherReason(a: CaseReason, b: CaseReason): CaseReason {
  return REASON_RANK.indexOf(a) <= REASON_RANK.indexOf(b) ? a : b;
}

export function higherPriority(a: CasePriority, b: CasePriority): CasePriority {
  return PRIORITY_ORDER.indexOf(a) <= PRIORITY_ORDER.indexOf(b) ? a : b;
}

export interface SlaPolicy {
  calendar: BusinessCalendar;
  hours: BusinessHours;
  targets: Record<ConfigPriority, CaseSlaHours>;
}

/**
 * First-response and resolution targets, in business hours from when the case was opened, later
 * by the business hours its SLA clock has stood still (`pausedHours`).
 */
export function slaTargets(
  openedAt: Date,
  priority: CasePriority,
  policy: SlaPolicy,
  pausedHours = 0,
): { firstResponseDueAt: Date; resolutionDueAt: Date } {
  const target = policy.targets[priority];
  const due = (hours: number) =>
    addBusinessHours(openedAt, hours + pausedHours, policy.calendar, policy.hours);
  return {
    firstResponseDueAt: due(target.firstResponse),
    resolutionDueAt: due(target.resolution),
  };
}

interface PausedClock {
  firstResponseDueAt: Date;
  resolutionDueAt: Date;
  firstRespondedAt: Date | null;
  slaPausedSince: Date;
}

/**
 * The SLA clock restarted at `now` after standing still since `slaPausedSince`: each unmet target
 * moves later by the business hours it stood still (nights, weekends and holidays do not count).
 * A target missed before the pause stays missed; a met first response stays where it was.
 */
export function resumeSla(
  clock: PausedClock,
  now: Date,
  policy: SlaPolicy,
): { firstResponseDueAt: Date; resolutionDueAt: Date; pausedHours: number } {
  const pausedHours = businessHoursBetween(
    clock.slaPausedSince,
    now,
    policy.calendar,
    policy.hours,
  );
  const move = (due: Date, met: boolean): Date =>
    met || due <= clock.slaPausedSince
      ? due
      : addBusinessHours(due, pausedHours, policy.calendar, policy.hours);
  return {
    firstResponseDueAt: move(clock.firstResponseDueAt, clock.firstRespondedAt !== null),
    resolutionDueAt: move(clock.resolutionDueAt, false),
    pausedHours,
  };
}

interface SlaFacts {
  firstResponseDueAt: Date;
  resolutionDueAt: Date;
  firstRespondedAt: Date | null;
  solvedAt: Date | null;
  slaPausedSince?: Date | null;
}

/**
 * A target is breached once it passes unmet, or was met late. While the clock stands still, time
 * stops at the pause: a target not missed by then is not breached.
 */
export function isBreached(facts: SlaFacts, now: Date): boolean {
  const clock = facts.slaPausedSince ?? now;
  const responded = facts.firstRespondedAt ?? clock;
  const solved = facts.solvedAt ?? clock;
  return responded > facts.firstResponseDueAt || solved > facts.resolutionDueAt;
}

/** The next target the queue is racing: first response until there is one, then resolution. */
export function nextDueAt(facts: Omit<SlaFacts, 'solvedAt' | 'slaPausedSince'>): Date {
  return facts.firstRespondedAt ? facts.resolutionDueAt : facts.firstResponseDueAt;
}
