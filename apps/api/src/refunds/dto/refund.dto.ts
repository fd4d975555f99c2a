import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ReasonCode, RefundStatus } from '../../generated/kysely/enums';
import type { Refund, RefundEvent } from '../../database/database';
import { ACTIONS, RefundAction } from '../refund-transitions';

export class RefundDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'TX-1001' }) transactionId!: string;
  @ApiProperty({ example: 'cus-1' }) customerId!: string;
  @ApiProperty({ example: 'mer-1' }) merchantId!: string;
  @ApiProperty({ example: 150000 }) amount!: number;
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

export class ActorDto {
  @ApiProperty({ example: 'merchant' }) role!: string;
  @ApiProperty({ example: 'mer-1' }) id!: string;
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
  nextActions: RefundAction[],
  reviewBusinessDaysLeft: number | null,
): RefundDto {
  return { ...refundData(refund), reviewBusinessDaysLeft, nextActions };
}

/**
 * The refund as GET returns it, but for `nextActions` (which depends on who asks) and
 * `reviewBusinessDaysLeft` (on when): event data.
 */
export function refundData(
  refund: Refund,
): Omit<RefundDto, 'nextActions' | 'reviewBusinessDaysLeft'> {
  return {
    id: refund.id,
    transactionId: refund.transactionId,
    customerId: refund.customerId,
    merchantId: refund.merchantId,
    amount: Number(refund.amount),
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
    createdAt: refund.createdAt.toISOString(),
    updatedAt: refund.updatedAt.toISOString(),
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
