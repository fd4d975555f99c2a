import type { Actor } from '../common/actor';
import type { Refund } from '../database/database';

/**
 * What the refund flow tells the rest of the service, inside the transaction of the change
 * (support cases subscribe with `@OnEvent(…, { suppressErrors: false })`: a subscriber's failure
 * fails the change). Refunds never calls the support desk; the support desk decides what each
 * event means for its cases.
 */
export interface RefundDomainEvents {
  /** A refund was submitted (or resubmitted with the answer to a question). */
  'refund.submitted': { refund: Refund; actor: Actor };
  /** The merchant's review ended with a decision. */
  'refund.review-ended': {
    refund: Refund;
    actor: Actor;
    outcome: 'APPROVED' | 'REJECTED';
    reason: string | null;
  };
  /** The review deadline passed without a decision (found by the scheduler). */
  'refund.review-overdue': { refund: Refund; actor: Actor };
  'refund.disputed': {
    refund: Refund;
    actor: Actor;
    statement: string;
    negotiationRecords: object[];
  };
  'refund.dispute-ended': {
    refund: Refund;
    actor: Actor;
    /** SETTLED: the customer accepted a settlement offer. */
    outcome: 'CUSTOMER_FAVOUR' | 'MERCHANT_FAVOUR' | 'WITHDRAWN' | 'SETTLED';
    /** For the customer: a public message. */
    note: string;
    /** The agent's reasoning: stays internal. */
    internalNote?: string;
  };
  'refund.merchant-responded': { refund: Refund; actor: Actor; statement: string };
  /**
   * The result of a payout started before the customer's payouts were held: recorded all the
   * same; the report that holds them is told.
   */
  'refund.payout-reported-while-held': {
    refund: Refund;
    actor: Actor;
    securityReportId: string;
    result: 'SUCCEEDED' | 'FAILED';
  };
}

export type RefundDomainEvent = keyof RefundDomainEvents;

/** What a subscriber may answer: the support case the refund now belongs to. */
export interface CaseLink {
  caseId: string;
}
