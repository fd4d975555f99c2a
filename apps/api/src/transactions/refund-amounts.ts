import { RefundStatus } from '../generated/prisma/enums';

/**
 * Refunds in these states no longer hold any part of their payment: what they asked for is
 * refundable again. Every other state counts against `refundableAmount` (a dispute re-activates
 * a rejected amount by leaving REJECTED).
 */
export const RELEASED_REFUND_STATUSES: readonly RefundStatus[] = [
  RefundStatus.CANCELLED,
  RefundStatus.CLOSED,
  RefundStatus.EXPIRED,
  RefundStatus.REJECTED,
];
