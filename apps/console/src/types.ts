/** The API's shapes, as the console reads them (see /docs-json). */

export type RefundStatus =
  | 'DRAFT'
  | 'SUBMITTED'
  | 'UNDER_REVIEW'
  | 'INFO_REQUESTED'
  | 'APPROVED'
  | 'PAYOUT_PENDING'
  | 'REJECTED'
  | 'DISPUTED'
  | 'PAYOUT_FAILED'
  | 'REFUNDED'
  | 'CANCELLED'
  | 'CLOSED'
  | 'EXPIRED';

export interface Actor {
  role: string;
  id: string;
}

export interface RefundOffer {
  amount: number;
  message: string;
  madeBy: Actor;
  madeAt: string;
  expiresAt: string;
  status: 'OPEN' | 'ACCEPTED' | 'DECLINED' | 'EXPIRED' | 'WITHDRAWN';
}

export interface Refund {
  id: string;
  transactionId: string;
  customerId: string;
  merchantId: string;
  amount: number;
  /** What the customer asked for: `amount` unless an accepted offer lowered it. */
  requestedAmount: number;
  currency: string;
  reasonCode: string;
  description: string | null;
  status: RefundStatus;
  version: number;
  submittedAt: string | null;
  reviewDueAt: string | null;
  decidedAt: string | null;
  decisionReason: string | null;
  disputeDeadlineAt: string | null;
  merchantResponseDueAt: string | null;
  caseId: string | null;
  payoutReference: string | null;
  payoutFailureReason: string | null;
  refundedAt: string | null;
  /** The customer's payouts are held (an open security report). */
  payoutHeld: boolean;
  securityReportId: string | null;
  /** The latest settlement offer; null before the first. */
  offer: RefundOffer | null;
  nextActions: string[];
  createdAt: string;
  updatedAt: string;
}

/** A payment, with what is refunded of it and what still can be. */
export interface Transaction {
  id: string;
  customerId: string;
  merchantId: string;
  amount: number;
  currency: string;
  paidAt: string;
  description: string | null;
  refundedAmount: number;
  refundableAmount: number;
}

export interface NegotiationRecord {
  at: string;
  channel: string;
  summary: string;
  attachmentIds?: string[];
}

export interface RefundEvent {
  id: string;
  sequence: number;
  action: string;
  fromStatus: RefundStatus | null;
  toStatus: RefundStatus | null;
  actor: Actor;
  note: string | null;
  details?: { negotiationRecords?: NegotiationRecord[] } & Record<string, unknown>;
  createdAt: string;
}

export const CASE_STATUSES = [
  'NEW',
  'OPEN',
  'PENDING_CUSTOMER',
  'ON_HOLD',
  'SOLVED',
  'CLOSED',
] as const;
export const CASE_PRIORITIES = ['URGENT', 'HIGH', 'NORMAL', 'LOW'] as const;
export const CASE_REASONS = [
  'ACCOUNT_COMPROMISED',
  'DISPUTE',
  'UNAUTHORIZED_TRANSACTION',
  'REVIEW_OVERDUE',
  'CUSTOMER_REQUEST',
] as const;

export type CaseStatus = (typeof CASE_STATUSES)[number];
export type CasePriority = (typeof CASE_PRIORITIES)[number];
export type CaseReason = (typeof CASE_REASONS)[number];

export interface SupportCase {
  id: string;
  /** Null for a security report's case (ACCOUNT_COMPROMISED). */
  refundId: string | null;
  securityReportId: string | null;
  customerId: string;
  reason: CaseReason;
  channel: string;
  priority: CasePriority;
  status: CaseStatus;
  assigneeId: string | null;
  firstResponseDueAt: string;
  resolutionDueAt: string;
  /** Since when the SLA clock stands still (waiting on the customer); null while it runs. */
  slaPausedSince: string | null;
  breached: boolean;
  firstRespondedAt: string | null;
  solvedAt: string | null;
  outcome: string | null;
  rating: CaseRating | null;
  createdAt: string;
  updatedAt: string;
}

/** A customer's report that their wallet was taken over (the stolen wallet). */
export interface SecurityReport {
  id: string;
  customerId: string;
  status: 'OPEN' | 'RESOLVED';
  description: string;
  transactionIds: string[];
  refundIds: string[];
  caseId: string | null;
  payoutHold: {
    active: boolean;
    placedAt: string;
    releasedAt: string | null;
    releasedBy: Actor | null;
  };
  recommendedSteps: { code: string; text: string }[];
  createdAt: string;
  updatedAt: string;
}

/** The customer's satisfaction rating of a solved case. */
export interface CaseRating {
  score: number;
  comment: string | null;
  ratedAt: string;
}

/** A case as the queue, search and customer page list it. */
export interface QueueCase extends SupportCase {
  subject: string | null;
  merchantId: string | null;
  refundStatus: RefundStatus | null;
  lastActivityAt: string;
  awaitingAgent: boolean;
}

export interface CaseCounts {
  mine: number;
  unassigned: number;
  breached: number;
  disputes: number;
  stolenWallet: number;
}

export interface Macro {
  id: string;
  title: string;
  body: string;
  internal: boolean;
}

export interface SearchResult {
  cases: QueueCase[];
  refunds: Refund[];
  payments: Transaction[];
  customers: { id: string }[];
  merchants: { id: string }[];
}

export interface CustomerOverview {
  id: string;
  payments: Transaction[];
  refunds: Refund[];
  cases: QueueCase[];
  /** Their OPEN security report, if any. */
  securityReport: SecurityReport | null;
  /** While their payouts are held: by which report, since when. */
  payoutHold: { securityReportId: string; placedAt: string } | null;
}

export interface ServiceNotice {
  id: string;
  kind: string;
  title: string;
  body: string;
  startsAt: string;
  endsAt: string;
  affectedChannels: string[];
}

export interface ServiceStatus {
  status: string;
  currentNotices: ServiceNotice[];
  upcomingNotices: ServiceNotice[];
}

export interface CaseMessage {
  id: string;
  author: Actor;
  body: string;
  internal: boolean;
  details?: { negotiationRecords?: NegotiationRecord[] } & Record<string, unknown>;
  createdAt: string;
}

export interface CaseHistoryEntry {
  sequence: number;
  change: string;
  actor: Actor;
  details?: unknown;
  createdAt: string;
}

export interface Attachment {
  id: string;
  refundId: string;
  kind: string;
  fileName: string;
  contentType: string;
  size: number;
  sha256: string;
  uploadedBy: Actor;
  createdAt: string;
}

export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

export interface Principal {
  role: string;
  id: string;
}

export const OPEN_CASE_STATUSES: readonly CaseStatus[] = [
  'NEW',
  'OPEN',
  'PENDING_CUSTOMER',
  'ON_HOLD',
];
