import { TRANSITIONS } from '../refunds/refund-transitions';

/**
 * Every event type, the documented list. A refund's are `refund.<action>`, one per timeline
 * action (PATCH records `edit`); a case's follow its history.
 */
export const REFUND_EVENT_TYPES = [
  ...Object.keys(TRANSITIONS).map((action) => `refund.${action}`),
  'refund.edit',
];

export const CASE_EVENT_TYPES = [
  'case.opened',
  'case.updated',
  'case.solved',
  'case.reopened',
  'case.closed',
  'case.rated',
];

/**
 * A security report's and its payout hold's: they belong to no refund, are ordered per customer
 * and go to the system's endpoints (the wallet's core freezes the account on them).
 */
export const SECURITY_EVENT_TYPES = [
  'security-report.opened',
  'security-report.updated',
  'security-report.resolved',
  'customer.payout-hold.placed',
  'customer.payout-hold.released',
];

export const EVENT_TYPES = [...REFUND_EVENT_TYPES, ...CASE_EVENT_TYPES, ...SECURITY_EVENT_TYPES];

/** The event a case history entry publishes: its own type for the milestones, else case.updated. */
export function caseEventType(change: string): string {
  const type = `case.${change}`;
  return CASE_EVENT_TYPES.includes(type) ? type : 'case.updated';
}
