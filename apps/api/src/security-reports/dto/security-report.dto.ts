import { ApiProperty } from '@nestjs/swagger';
import { PageDto } from '../../common/pagination';
import type { SecurityReport } from '../../database/database';
import { SecurityReportStatus } from '../../generated/kysely/enums';
import { ActorDto } from '../../refunds/dto/refund.dto';
import { RECOMMENDED_STEP_CODES, recommendedSteps } from '../recommended-steps';

export class PayoutHoldDto {
  @ApiProperty({ description: "Whether the customer's payouts are held now" }) active!: boolean;
  @ApiProperty() placedAt!: string;
  @ApiProperty({ nullable: true, type: String }) releasedAt!: string | null;
  @ApiProperty({ nullable: true, type: ActorDto }) releasedBy!: ActorDto | null;
}

export class RecommendedStepDto {
  @ApiProperty({ enum: RECOMMENDED_STEP_CODES }) code!: string;
  @ApiProperty() text!: string;
}

export class SecurityReportDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'cus-1' }) customerId!: string;
  @ApiProperty({ enum: Object.values(SecurityReportStatus) }) status!: SecurityReportStatus;
  @ApiProperty() description!: string;
  @ApiProperty({ type: [String], description: 'The payments reported, in the order listed' })
  transactionIds!: string[];
  @ApiProperty({ type: [String], description: 'The refund requests it filed' })
  refundIds!: string[];
  @ApiProperty({
    format: 'uuid',
    nullable: true,
    type: String,
    description: 'Its ACCOUNT_COMPROMISED case',
  })
  caseId!: string | null;
  @ApiProperty({ type: PayoutHoldDto }) payoutHold!: PayoutHoldDto;
  @ApiProperty({ type: [RecommendedStepDto] }) recommendedSteps!: RecommendedStepDto[];
  @ApiProperty() createdAt!: string;
  @ApiProperty() updatedAt!: string;
}

export class SecurityReportPageDto extends PageDto {
  @ApiProperty({ type: [SecurityReportDto] }) data!: SecurityReportDto[];
}

/** The report as every reader (and every event) sees it. */
export function mapSecurityReport(report: SecurityReport, refundIds: string[]): SecurityReportDto {
  return {
    id: report.id,
    customerId: report.customerId,
    status: report.status,
    description: report.description,
    transactionIds: report.transactionIds ?? [],
    refundIds,
    caseId: report.caseId,
    payoutHold: {
      active: report.status === SecurityReportStatus.OPEN,
      placedAt: report.holdPlacedAt.toISOString(),
      releasedAt: report.holdReleasedAt ? report.holdReleasedAt.toISOString() : null,
      releasedBy: report.releasedById ? { role: 'agent', id: report.releasedById } : null,
    },
    recommendedSteps: recommendedSteps(),
    createdAt: report.createdAt.toISOString(),
    updatedAt: report.updatedAt.toISOString(),
  };
}
