import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { CaseHistory, CaseMessage, SupportCase } from '../../database/database';
import { CasePriority, CaseReason, CaseStatus, RefundStatus } from '../../generated/kysely/enums';
import type { QueueRow } from '../cases.repository';
import { isBreached, OPEN_CASE_STATUSES } from '../case-sla';

export interface CaseRatingDto {
  score: number;
  comment: string | null;
  ratedAt: string;
}

export class SupportCaseDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({
    format: 'uuid',
    nullable: true,
    type: String,
    description: "The refund it is about; null for a security report's case",
  })
  refundId!: string | null;
  @ApiProperty({
    format: 'uuid',
    nullable: true,
    type: String,
    description: 'The security report it belongs to (reason ACCOUNT_COMPROMISED)',
  })
  securityReportId!: string | null;
  @ApiProperty({ example: 'cus-1' }) customerId!: string;
  @ApiProperty({ enum: Object.values(CaseReason) }) reason!: CaseReason;
  @ApiProperty({ example: 'IN_APP_CHAT', description: 'How the case came in (SYSTEM: automatic)' })
  channel!: string;
  @ApiProperty({ enum: Object.values(CasePriority) }) priority!: CasePriority;
  @ApiProperty({ enum: Object.values(CaseStatus) }) status!: CaseStatus;
  @ApiProperty({ nullable: true, type: String }) assigneeId!: string | null;
  @ApiProperty() firstResponseDueAt!: string;
  @ApiProperty() resolutionDueAt!: string;
  @ApiProperty({
    nullable: true,
    type: String,
    description:
      'Since when the SLA clock stands still (a status of SLA_PAUSE_STATUSES); null while it runs',
  })
  slaPausedSince!: string | null;
  @ApiProperty({
    description:
      'A first-response or resolution target passed unmet (while paused: had passed at the pause)',
  })
  breached!: boolean;
  @ApiProperty({ nullable: true, type: String }) firstRespondedAt!: string | null;
  @ApiProperty({ nullable: true, type: String }) solvedAt!: string | null;
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'How it ended: the dispute outcome, WITHDRAWN, or the review decision',
  })
  outcome!: string | null;
  @ApiProperty({
    // Inline: OpenAPI 3.0 validators ignore `nullable` beside a reference.
    type: 'object',
    nullable: true,
    properties: {
      score: { type: 'integer', minimum: 1, maximum: 5, example: 5 },
      comment: { type: 'string', nullable: true },
      ratedAt: { type: 'string' },
    },
    required: ['score', 'comment', 'ratedAt'],
    description: "The customer's satisfaction rating, once the case was solved; null before",
  })
  rating!: CaseRatingDto | null;
  @ApiProperty() createdAt!: string;
  @ApiProperty() updatedAt!: string;
}

export class EscalationDto extends SupportCaseDto {
  @ApiProperty({ type: [String], description: 'Support channels available right now' })
  availableChannels!: string[];
}

/** A case as the queue (and search) lists it: with what an agent reads first. */
export class QueueCaseDto extends SupportCaseDto {
  @ApiProperty({ nullable: true, type: String, description: "The payment's description" })
  subject!: string | null;
  @ApiProperty({ nullable: true, type: String, example: 'mer-1' }) merchantId!: string | null;
  @ApiProperty({ nullable: true, enum: Object.values(RefundStatus) })
  refundStatus!: RefundStatus | null;
  @ApiProperty({ description: 'The latest change or message' }) lastActivityAt!: string;
  @ApiProperty({
    description: 'The customer wrote the latest public message: an agent is due to answer',
  })
  awaitingAgent!: boolean;
}

/** The number of open cases in each saved view of the queue. */
export class CaseCountsDto {
  @ApiProperty({ description: 'Assigned to the caller' }) mine!: number;
  @ApiProperty() unassigned!: number;
  @ApiProperty({ description: 'A first-response or resolution target passed unmet' })
  breached!: number;
  @ApiProperty({ description: 'Reason DISPUTE' }) disputes!: number;
  @ApiProperty({ description: 'Reason UNAUTHORIZED_TRANSACTION (a stolen wallet)' })
  stolenWallet!: number;
}

export class PresenceDto {
  @ApiProperty({
    type: [String],
    example: ['agt-1', 'agt-2'],
    description: 'The agents who have the case open (a heartbeat within 30 s), the caller included',
  })
  viewers!: string[];
}

export class CasePageDto {
  @ApiProperty({ type: [QueueCaseDto] }) data!: QueueCaseDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}

export class CaseMessageDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: { role: 'agent', id: 'agt-1' } }) author!: { role: string; id: string };
  @ApiProperty() body!: string;
  @ApiProperty({ description: 'Internal notes are visible to agents only' }) internal!: boolean;
  @ApiPropertyOptional() details?: unknown;
  @ApiProperty() createdAt!: string;
}

export class CaseHistoryDto {
  @ApiProperty({ example: 1 }) sequence!: number;
  @ApiProperty({ example: 'status' }) change!: string;
  @ApiProperty({ example: { role: 'agent', id: 'agt-1' } }) actor!: { role: string; id: string };
  @ApiPropertyOptional() details?: unknown;
  @ApiProperty() createdAt!: string;
}

const iso = (value: Date | null): string | null => (value ? value.toISOString() : null);

export function mapCase(supportCase: SupportCase, now = new Date()): SupportCaseDto {
  return {
    id: supportCase.id,
    refundId: supportCase.refundId,
    securityReportId: supportCase.securityReportId,
    customerId: supportCase.customerId,
    reason: supportCase.reason,
    channel: supportCase.channel,
    priority: supportCase.priority,
    status: supportCase.status,
    assigneeId: supportCase.assigneeId,
    firstResponseDueAt: supportCase.firstResponseDueAt.toISOString(),
    resolutionDueAt: supportCase.resolutionDueAt.toISOString(),
    slaPausedSince: iso(supportCase.slaPausedSince),
    breached: isBreached(supportCase, now),
    firstRespondedAt: iso(supportCase.firstRespondedAt),
    solvedAt: iso(supportCase.solvedAt),
    outcome: supportCase.outcome,
    rating:
      supportCase.ratingScore !== null && supportCase.ratedAt
        ? {
            score: supportCase.ratingScore,
            comment: supportCase.ratingComment,
            ratedAt: supportCase.ratedAt.toISOString(),
          }
        : null,
    createdAt: supportCase.createdAt.toISOString(),
    updatedAt: supportCase.updatedAt.toISOString(),
  };
}

export function mapQueueCase(row: QueueRow, now = new Date()): QueueCaseDto {
  return {
    ...mapCase(row, now),
    subject: row.subject,
    merchantId: row.merchantId,
    refundStatus: row.refundStatus,
    lastActivityAt: row.lastActivityAt.toISOString(),
    // Only an open case waits for an answer.
    awaitingAgent: row.awaitingAgent && OPEN_CASE_STATUSES.includes(row.status),
  };
}

export function mapCaseMessage(message: CaseMessage): CaseMessageDto {
  return {
    id: message.id,
    author: { role: message.authorRole, id: message.authorId },
    body: message.body,
    internal: message.internal,
    ...(message.details === null ? {} : { details: message.details }),
    createdAt: message.createdAt.toISOString(),
  };
}

export function mapCaseHistory(entry: CaseHistory): CaseHistoryDto {
  return {
    sequence: entry.sequence,
    change: entry.change,
    actor: { role: entry.actorRole, id: entry.actorId },
    ...(entry.details === null ? {} : { details: entry.details }),
    createdAt: entry.createdAt.toISOString(),
  };
}
