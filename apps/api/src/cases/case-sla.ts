import { addBusinessHours, BusinessCalendar, BusinessHours } from '../common/business-time';
import type { CasePriority as ConfigPriority, CaseSlaHours } from '../config/app-config';
import { CasePriority, CaseStatus } from '../generated/kysely/enums';

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

export function higherPriority(a: CasePriority, b: CasePriority): CasePriority {
  return PRIORITY_ORDER.indexOf(a) <= PRIORITY_ORDER.indexOf(b) ? a : b;
}

export interface SlaPolicy {
  calendar: BusinessCalendar;
  hours: BusinessHours;
  targets: Record<ConfigPriority, CaseSlaHours>;
}

/** First-response and resolution targets, in business hours from when the case was opened. */
export function slaTargets(
  openedAt: Date,
  priority: CasePriority,
  policy: SlaPolicy,
): { firstResponseDueAt: Date; resolutionDueAt: Date } {
  const target = policy.targets[priority];
  return {
    firstResponseDueAt: addBusinessHours(
      openedAt,
      target.firstResponse,
      policy.calendar,
      policy.hours,
    ),
    resolutionDueAt: addBusinessHours(openedAt, target.resolution, policy.calendar, policy.hours),
  };
}

interface SlaFacts {
  firstResponseDueAt: Date;
  resolutionDueAt: Date;
  firstRespondedAt: Date | null;
  solvedAt: Date | null;
}

/** A target is breached once it passes unmet, or was met late. */
export function isBreached(facts: SlaFacts, now: Date): boolean {
  const responded = facts.firstRespondedAt ?? now;
  const solved = facts.solvedAt ?? now;
  return responded > facts.firstResponseDueAt || solved > facts.resolutionDueAt;
}

/** The next target the queue is racing: first response until there is one, then resolution. */
export function nextDueAt(facts: Omit<SlaFacts, 'solvedAt'>): Date {
  return facts.firstRespondedAt ? facts.resolutionDueAt : facts.firstResponseDueAt;
}
