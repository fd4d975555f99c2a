import { randomUUID } from 'node:crypto';
import { addBusinessDays, BusinessCalendar } from '../../apps/api/src/common/business-time';
import { type AppConfig, businessCalendar } from '../../apps/api/src/config/app-config';
import type { RefundStatus } from '../../apps/api/src/generated/kysely/enums';
import { RELEASED_STATUSES } from '../../apps/api/src/refunds/refund-transitions';
import type { TestApp } from './app';

/**
 * Rows seeded straight into a test app's database, for tests whose subject is not how the rows
 * came to be (a refund's state, not the walk to it). What a user does is tested through HTTP.
 */

/** A complete 1×1 PNG (one semi-transparent blue pixel): a valid image, 70 bytes. */
export const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);

export interface Payment {
  id: string;
  customerId: string;
  merchantId: string;
  /** Minor units. */
  amount: number;
  currency: string;
  paidAt: Date;
  description: string | null;
}

/** A payment from the ledger (default: 1,000,000 IDR from cus-1 to mer-1); returns its id. */
export async function payment(t: TestApp, fields: Partial<Payment> = {}): Promise<string> {
  const paid: Payment = {
    id: `TX-${randomUUID()}`,
    customerId: 'cus-1',
    merchantId: 'mer-1',
    amount: 1_000_000,
    currency: 'IDR',
    paidAt: new Date('2026-11-20T03:00:00.000Z'),
    description: null,
    ...fields,
  };
  await t.query(
    `INSERT INTO transactions (id, customer_id, merchant_id, amount, currency, paid_at, description)
     VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [
      paid.id,
      paid.customerId,
      paid.merchantId,
      paid.amount,
      paid.currency,
      paid.paidAt,
      paid.description,
    ],
  );
  return paid.id;
}

export interface RefundFields {
  /** Default: a fresh payment of cus-1 to mer-1. */
  transactionId: string;
  amount: number;
  reasonCode: string;
  description: string | null;
}

const DAY_MS = 24 * 3600 * 1000;

/**
 * A refund of cus-1 to mer-1 (300,000 IDR, NOT_RECEIVED) seeded in `status` with what that state
 * implies, as the app's configuration would have set it: its dates and deadlines, the amount
 * its payment holds for it, and for a DISPUTED one its open dispute case. It has no timeline
 * and no outbox events. Returns its id.
 */
export async function refundIn(
  t: TestApp,
  status: RefundStatus,
  fields: Partial<RefundFields> = {},
): Promise<string> {
  const id = randomUUID();
  const transactionId = fields.transactionId ?? (await payment(t));
  const [paid] = await t.query<{ customerId: string; merchantId: string; currency: string }>(
    `SELECT customer_id AS "customerId", merchant_id AS "merchantId", currency
       FROM transactions WHERE id = $1`,
    [transactionId],
  );
  const amount = fields.amount ?? 300_000;
  const now = new Date();
  const dates = datesIn(status, now, t.config);
  await t.query(
    `INSERT INTO refunds (id, transaction_id, customer_id, merchant_id, amount, requested_amount, currency,
                          reason_code, description, status, submitted_at, review_due_at,
                          info_requested_at, decided_at, decision_reason, dispute_deadline_at,
                          merchant_response_due_at, payout_reference, payout_failure_reason,
                          refunded_at, draft_touched_at)
     VALUES ($1, $2, $3, $4, $5, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19,
             CASE WHEN $9::refund_status = 'DRAFT' THEN now() END)`,
    [
      id,
      transactionId,
      paid.customerId,
      paid.merchantId,
      amount,
      paid.currency,
      fields.reasonCode ?? 'NOT_RECEIVED',
      fields.description ?? null,
      status,
      dates.submittedAt,
      dates.reviewDueAt,
      dates.infoRequestedAt,
      dates.decidedAt,
      dates.decisionReason,
      dates.disputeDeadlineAt,
      dates.merchantResponseDueAt,
      dates.payoutReference,
      dates.payoutFailureReason,
      dates.refundedAt,
    ],
  );
  if (!RELEASED_STATUSES.includes(status)) {
    await t.query('UPDATE transactions SET held_amount = held_amount + $2 WHERE id = $1', [
      transactionId,
      amount,
    ]);
  }
  if (status === 'DISPUTED') await openDisputeCase(t, id, paid.customerId, now);
  return id;
}

interface StateDates {
  submittedAt: Date | null;
  reviewDueAt: Date | null;
  infoRequestedAt: Date | null;
  decidedAt: Date | null;
  decisionReason: string | null;
  disputeDeadlineAt: Date | null;
  merchantResponseDueAt: Date | null;
  payoutReference: string | null;
  payoutFailureReason: string | null;
  refundedAt: Date | null;
}

/** The columns the walk to `status` would have set, walked `now`. */
function datesIn(status: RefundStatus, now: Date, config: AppConfig): StateDates {
  const calendar: BusinessCalendar = businessCalendar(config);
  const none: StateDates = {
    submittedAt: null,
    reviewDueAt: null,
    infoRequestedAt: null,
    decidedAt: null,
    decisionReason: null,
    disputeDeadlineAt: null,
    merchantResponseDueAt: null,
    payoutReference: null,
    payoutFailureReason: null,
    refundedAt: null,
  };
  const submitted = {
    ...none,
    submittedAt: now,
    reviewDueAt: addBusinessDays(now, config.reviewSlaBusinessDays, calendar),
  };
  const approved = { ...submitted, decidedAt: now };
  const rejected = {
    ...submitted,
    decidedAt: now,
    decisionReason: 'The parcel was signed for.',
    disputeDeadlineAt: new Date(now.getTime() + config.disputeWindowDays * DAY_MS),
  };
  const disputed = {
    ...rejected,
    merchantResponseDueAt: addBusinessDays(now, config.disputeMerchantResponseDays, calendar),
  };
  switch (status) {
    case 'DRAFT':
    case 'CANCELLED':
    case 'EXPIRED':
      return none;
    case 'SUBMITTED':
    case 'UNDER_REVIEW':
      return submitted;
    case 'INFO_REQUESTED':
      return { ...submitted, infoRequestedAt: now };
    case 'APPROVED':
    case 'PAYOUT_PENDING':
      return approved;
    case 'PAYOUT_FAILED':
      return { ...approved, payoutFailureReason: 'Account closed' };
    case 'REFUNDED':
      return { ...approved, refundedAt: now, payoutReference: 'PO-1' };
    case 'REJECTED':
      return rejected;
    case 'DISPUTED':
    case 'CLOSED':
      return disputed;
  }
}

/** The HIGH-priority case a dispute opens, and the refund pointing at it. */
async function openDisputeCase(
  t: TestApp,
  refundId: string,
  customerId: string,
  now: Date,
): Promise<void> {
  const caseId = randomUUID();
  const targets = t.config.caseSlaHours.HIGH;
  const firstResponseDueAt = new Date(now.getTime() + targets.firstResponse * 3600 * 1000);
  await t.query(
    `INSERT INTO support_cases (id, refund_id, customer_id, reason, channel, priority, status,
                                first_response_due_at, resolution_due_at, due_at, dispute_active)
     VALUES ($1, $2, $3, 'DISPUTE', 'IN_APP_CHAT', 'HIGH', 'NEW', $4, $5, $4, true)`,
    [
      caseId,
      refundId,
      customerId,
      firstResponseDueAt,
      new Date(now.getTime() + targets.resolution * 3600 * 1000),
    ],
  );
  await t.query('UPDATE refunds SET case_id = $2 WHERE id = $1', [refundId, caseId]);
}
