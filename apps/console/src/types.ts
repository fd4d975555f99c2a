/** The API's shapes, as the console reads them (see /docs-json). */

export type RefundStatus =
  | 'DRAFT'
  | 'SUBMITTED'
  | 'UNDER_REVIEW'
  | 'INFO_REQUESTED'
  | 'APPROVED'
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

export interface Refund {
  id: string;
  transactionId: string;
  customerId: string;
  merchantId: string;
  amount: number;
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
  refundId: string;
  customerId: string;
  reason: CaseReason;
  channel: string;
  priority: CasePriority;
  status: CaseStatus;
  assigneeId: string | null;
  firstResponseDueAt: string;
  resolutionDueAt: string;
  breached: boolean;
  firstRespondedAt: string | null;
  solvedAt: string | null;
  outcome: string | null;
  createdAt: string;
  updatedAt: string;
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
