import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { CaseHistory, CaseMessage, SupportCase } from '../../database/database';
import { CasePriority, CaseReason, CaseStatus } from '../../generated/kysely/enums';
import { isBreached } from '../case-sla';

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
  @ApiProperty({ description: 'A first-response or resolution target passed unmet' })
  breached!: boolean;
  @ApiProperty({ nullable: true, type: String }) firstRespondedAt!: string | null;
  @ApiProperty({ nullable: true, type: String }) solvedAt!: string | null;
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'How it ended: the dispute outcome, WITHDRAWN, or the review decision',
  })
  outcome!: string | null;
  @ApiProperty() createdAt!: string;
  @ApiProperty() updatedAt!: string;
}

export class EscalationDto extends SupportCaseDto {
  @ApiProperty({ type: [String], description: 'Support channels available right now' })
  availableChannels!: string[];
}

export class CasePageDto {
  @ApiProperty({ type: [SupportCaseDto] }) data!: SupportCaseDto[];
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
    breached: isBreached(supportCase, now),
    firstRespondedAt: iso(supportCase.firstRespondedAt),
    solvedAt: iso(supportCase.solvedAt),
    outcome: supportCase.outcome,
    createdAt: supportCase.createdAt.toISOString(),
    updatedAt: supportCase.updatedAt.toISOString(),
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
