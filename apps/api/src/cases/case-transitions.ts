import { CaseStatus } from '../generated/kysely/enums';
import { OPEN_CASE_STATUSES } from './case-sla';

/**
 * The support case's state machine, as data: each change an agent or customer makes through
 * the API, the statuses it may start from, and where it leads (none: the status stays, or is
 * decided by the change itself, as a reply on a NEW case opens it).
 */
export const CASE_CHANGES = {
  assigned: { from: OPEN_CASE_STATUSES, to: undefined },
  message: { from: OPEN_CASE_STATUSES, to: undefined },
  'internal-note': { from: OPEN_CASE_STATUSES, to: undefined },
  pending: {
    from: [CaseStatus.NEW, CaseStatus.OPEN, CaseStatus.ON_HOLD],
    to: CaseStatus.PENDING_CUSTOMER,
  },
  hold: {
    from: [CaseStatus.NEW, CaseStatus.OPEN, CaseStatus.PENDING_CUSTOMER],
    to: CaseStatus.ON_HOLD,
  },
  solved: { from: OPEN_CASE_STATUSES, to: CaseStatus.SOLVED },
  reopened: { from: [CaseStatus.SOLVED], to: CaseStatus.OPEN },
  closed: { from: [CaseStatus.SOLVED], to: CaseStatus.CLOSED },
  rated: { from: [CaseStatus.SOLVED, CaseStatus.CLOSED], to: undefined },
} as const satisfies Record<string, { from: readonly CaseStatus[]; to: CaseStatus | undefined }>;

export type CaseChange = keyof typeof CASE_CHANGES;
