/** The API's shapes, as the portal reads them (see /docs-json). */

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

export interface Refund {
  id: string;
  transactionId: string;
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
  refundedAt: string | null;
  reviewBusinessDaysLeft: number | null;
  /** What the customer asked for; `amount` is lower after an accepted offer. */
  requestedAmount: number;
  /** The customer's payouts are held (an open security report). */
  payoutHeld: boolean;
  /** The latest settlement offer; null before the first. */
  offer: RefundOffer | null;
  nextActions: string[];
  createdAt: string;
  updatedAt: string;
}

export interface Transaction {
  id: string;
  amount: number;
  currency: string;
  paidAt: string;
  description: string | null;
  refundedAmount: number;
  refundableAmount: number;
}

export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

export interface RefundEvent {
  id: string;
  sequence: number;
  action: string;
  toStatus: RefundStatus | null;
  actor: { role: string; id: string };
  note: string | null;
  createdAt: string;
}

export interface Attachment {
  id: string;
  kind: string;
  fileName: string;
  contentType: string;
  size: number;
  createdAt: string;
}

export type Evidence = 'PHOTO' | 'ATTACHMENT' | 'DESCRIPTION' | null;

export interface RefundReason {
  code: string;
  evidence: Evidence;
  text: string;
}

export interface SupportChannel {
  id: string;
  timeZone: string;
  available: boolean;
}

export interface Notice {
  id: string;
  title: string;
  body: string;
  status: string;
  affectedChannels: string[];
}

export interface ServiceStatus {
  currentNotices: Notice[];
  channels: SupportChannel[];
}

export type OfferStatus = 'OPEN' | 'ACCEPTED' | 'DECLINED' | 'EXPIRED' | 'WITHDRAWN';

export interface RefundOffer {
  amount: number;
  message: string;
  madeBy: { role: string; id: string };
  madeAt: string;
  expiresAt: string;
  status: OfferStatus;
}

export type CaseStatus = 'NEW' | 'OPEN' | 'PENDING_CUSTOMER' | 'ON_HOLD' | 'SOLVED' | 'CLOSED';

export type CaseReason =
  | 'REVIEW_OVERDUE'
  | 'DISPUTE'
  | 'CUSTOMER_REQUEST'
  | 'UNAUTHORIZED_TRANSACTION'
  | 'ACCOUNT_COMPROMISED';

/** A support case as `GET /v1/cases` lists it for its customer. */
export interface SupportCase {
  id: string;
  refundId: string | null;
  securityReportId: string | null;
  reason: CaseReason;
  status: CaseStatus;
  subject: string | null;
  solvedAt: string | null;
  rating: { score: number; comment: string | null; ratedAt: string } | null;
  createdAt: string;
}

export interface RecommendedStep {
  code: string;
  text: string;
}

export interface SecurityReport {
  id: string;
  status: 'OPEN' | 'RESOLVED';
  description: string;
  transactionIds: string[];
  refundIds: string[];
  caseId: string | null;
  payoutHold: { active: boolean; placedAt: string; releasedAt: string | null };
  recommendedSteps: RecommendedStep[];
  createdAt: string;
}
