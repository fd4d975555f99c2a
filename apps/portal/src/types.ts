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
