import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { OfferStatus, ReasonCode, RefundStatus } from '../../generated/kysely/enums';
import type { PayoutHold, Refund, RefundEvent } from '../../database/database';

/** What a refund's view needs of its customer's payout hold: the report that placed it. */
export type HoldFacts = Pick<PayoutHold, 'securityReportId'>;
import { ACTIONS, RefundAction } from '../refund-transitions';

export class ActorDto {
  @ApiProperty({ example: 'merchant' }) role!: string;
  @ApiProperty({ example: 'mer-1' }) id!: string;
}

/** The refund's latest settlement offer (documented inline on RefundDto.offer). */
export interface RefundOfferDto {
  amount: number;
  message: string;
  madeBy: { role: string; id: string };
  madeAt: string;
  expiresAt: string;
  status: OfferStatus;
}

export class RefundDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'TX-1001' }) transactionId!: string;
  @ApiProperty({ example: 'cus-1' }) customerId!: string;
  @ApiProperty({ example: 'mer-1' }) merchantId!: string;
  @ApiProperty({ example: 150000 }) amount!: number;
  @ApiProperty({
    example: 150000,
    description: 'What the customer asked for: equal to amount unless an accepted offer lowered it',
  })
  requestedAmount!: number;
  @ApiProperty({ example: 'IDR' }) currency!: string;
  @ApiProperty({ enum: Object.values(ReasonCode) }) reasonCode!: ReasonCode;
  @ApiProperty({ nullable: true, type: String }) description!: string | null;
  @ApiProperty({ enum: Object.values(RefundStatus) }) status!: RefundStatus;
  @ApiProperty({ example: 2 }) version!: number;
  @ApiProperty({ nullable: true, type: String }) submittedAt!: string | null;
  @ApiProperty({ nullable: true, type: String }) reviewDueAt!: string | null;
  @ApiProperty({ nullable: true, type: String }) decidedAt!: string | null;
  @ApiProperty({ nullable: true, type: String }) decisionReason!: string | null;
  @ApiProperty({ nullable: true, type: String }) disputeDeadlineAt!: string | null;
  @ApiProperty({ nullable: true, type: String }) merchantResponseDueAt!: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'uuid' }) caseId!: string | null;
  @ApiProperty({ nullable: true, type: String }) payoutReference!: string | null;
  @ApiProperty({ nullable: true, type: String }) payoutFailureReason!: string | null;
  @ApiProperty({ nullable: true, type: String }) refundedAt!: string | null;
  @ApiProperty({
    description:
      "The customer's payouts are held (an open security report): start-payout, and payout " +
      'straight from APPROVED, are refused with PAYOUT_HELD',
  })
  payoutHeld!: boolean;
  @ApiProperty({
    nullable: true,
    type: String,
    format: 'uuid',
    description: 'The security report that filed this refund, or that holds its payout',
  })
  securityReportId!: string | null;
  // Inline: OpenAPI 3.0 cannot make a $ref nullable (validators ignore `nullable` beside one).
  @ApiProperty({
    type: 'object',
    nullable: true,
    description: 'The latest settlement offer; null before the first',
    required: ['amount', 'message', 'madeBy', 'madeAt', 'expiresAt', 'status'],
    properties: {
      amount: { type: 'integer', example: 100000 },
      message: { type: 'string' },
      madeBy: {
        type: 'object',
        required: ['role', 'id'],
        properties: { role: { type: 'string' }, id: { type: 'string' } },
      },
      madeAt: { type: 'string', format: 'date-time' },
      expiresAt: {
        type: 'string',
        format: 'date-time',
        description: 'Open until then (OFFER_EXPIRY_BUSINESS_DAYS business days)',
      },
      status: {
        type: 'string',
        enum: Object.values(OfferStatus),
        description: 'Open while OPEN and expiresAt has not passed',
      },
    },
  })
  offer!: RefundOfferDto | null;
  @ApiProperty({
    nullable: true,
    type: Number,
    example: 3,
    description:
      'Whole business days until reviewDueAt (business days after today up to the due date, ' +
      'in BUSINESS_TIMEZONE); 0 when due; null when the refund is not under review',
  })
  reviewBusinessDaysLeft!: number | null;
  @ApiProperty({ enum: ACTIONS, isArray: true, description: 'What the caller may do now' })
  nextActions!: RefundAction[];
  @ApiProperty() createdAt!: string;
  @ApiProperty() updatedAt!: string;
}

export class RefundPageDto {
  @ApiProperty({ type: [RefundDto] }) data!: RefundDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}

export class RefundEventDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 1 }) sequence!: number;
  @ApiProperty({ example: 'submit' }) action!: string;
  @ApiProperty({ enum: Object.values(RefundStatus), nullable: true })
  fromStatus!: RefundStatus | null;
  @ApiProperty({ enum: Object.values(RefundStatus), nullable: true })
  toStatus!: RefundStatus | null;
  @ApiProperty({ type: ActorDto }) actor!: ActorDto;
  @ApiProperty({ nullable: true, type: String }) note!: string | null;
  @ApiPropertyOptional({ description: 'Structured details (negotiation records, payout result…)' })
  details?: unknown;
  @ApiProperty() createdAt!: string;
}

const iso = (value: Date | null): string | null => (value ? value.toISOString() : null);

/** The refund as the caller sees it now: with what they may do and the review's days left. */
export function mapRefund(
  refund: Refund,
  hold: HoldFacts | undefined,
  nextActions: RefundAction[],
  reviewBusinessDaysLeft: number | null,
): RefundDto {
  return { ...refundData(refund, hold), reviewBusinessDaysLeft, nextActions };
}

/**
 * The refund as GET returns it, but for `nextActions` (which depends on who asks) and
 * `reviewBusinessDaysLeft` (on when): event data. `hold` is its customer's payout hold, if any.
 */
export function refundData(
  refund: Refund,
  hold: HoldFacts | undefined,
): Omit<RefundDto, 'nextActions' | 'reviewBusinessDaysLeft'> {
  return {
    id: refund.id,
    transactionId: refund.transactionId,
    customerId: refund.customerId,
    merchantId: refund.merchantId,
    amount: Number(refund.amount),
    requestedAmount: Number(refund.requestedAmount),
    currency: refund.currency,
    reasonCode: refund.reasonCode,
    description: refund.description,
    status: refund.status,
    version: refund.version,
    submittedAt: iso(refund.submittedAt),
    reviewDueAt: iso(refund.reviewDueAt),
    decidedAt: iso(refund.decidedAt),
    decisionReason: refund.decisionReason,
    disputeDeadlineAt: iso(refund.disputeDeadlineAt),
    merchantResponseDueAt: iso(refund.merchantResponseDueAt),
    caseId: refund.caseId,
    payoutReference: refund.payoutReference,
    payoutFailureReason: refund.payoutFailureReason,
    refundedAt: iso(refund.refundedAt),
    payoutHeld: hold !== undefined,
    securityReportId: refund.securityReportId ?? hold?.securityReportId ?? null,
    offer: mapOffer(refund),
    createdAt: refund.createdAt.toISOString(),
    updatedAt: refund.updatedAt.toISOString(),
  };
}

function mapOffer(refund: Refund): RefundOfferDto | null {
  const { offerAmount, offerMessage, offerByRole, offerById, offerMadeAt, offerExpiresAt } = refund;
  // All set together (a CHECK constraint), or none before the first offer.
  if (refund.offerStatus === null || offerAmount === null || offerMadeAt === null) return null;
  return {
    amount: Number(offerAmount),
    message: offerMessage ?? '',
    madeBy: { role: offerByRole ?? '', id: offerById ?? '' },
    madeAt: offerMadeAt.toISOString(),
    expiresAt: iso(offerExpiresAt) ?? '',
    status: refund.offerStatus,
  };
}

export function mapRefundEvent(event: RefundEvent): RefundEventDto {
  return {
    id: event.id,
    sequence: event.sequence,
    action: event.action,
    fromStatus: event.fromStatus,
    toStatus: event.toStatus,
    actor: { role: event.actorRole, id: event.actorId },
    note: event.note,
    ...(event.details === null ? {} : { details: event.details }),
    createdAt: event.createdAt.toISOString(),
  };
}
