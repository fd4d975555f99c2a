import { ApiProperty } from '@nestjs/swagger';
import { IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { QueueCaseDto } from '../../cases/dto/case.dto';
import { RefundDto } from '../../refunds/dto/refund.dto';
import { SecurityReportDto } from '../../security-reports/dto/security-report.dto';
import { TransactionDto } from '../../transactions/dto/transaction.dto';

export class SearchQueryDto {
  @ApiProperty({
    minLength: 1,
    maxLength: 200,
    example: '0199a0c4',
    description:
      'An id prefix (8 characters or more) of a case, refund or payment; a customer or merchant ' +
      'id; or words of a payment description',
  })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  @Matches(/^[^\p{Cc}]*$/u, { message: 'q must not contain control characters' })
  q!: string;
}

export class PartyDto {
  @ApiProperty({ example: 'cus-1' }) id!: string;
}

export class SearchResultDto {
  @ApiProperty({ type: [QueueCaseDto], description: 'Cases whose id starts with q' })
  cases!: QueueCaseDto[];
  @ApiProperty({ type: [RefundDto], description: 'Refunds whose id starts with q' })
  refunds!: RefundDto[];
  @ApiProperty({
    type: [TransactionDto],
    description: 'Payments whose id is q or starts with it, or whose description has its words',
  })
  payments!: TransactionDto[];
  @ApiProperty({ type: [PartyDto], description: 'The customer whose id is q, if known' })
  customers!: PartyDto[];
  @ApiProperty({ type: [PartyDto], description: 'The merchant whose id is q, if known' })
  merchants!: PartyDto[];
}

export class CustomerPayoutHoldDto {
  @ApiProperty({ format: 'uuid', description: 'The security report that holds the payouts' })
  securityReportId!: string;
  @ApiProperty() placedAt!: string;
}

export class CustomerOverviewDto {
  @ApiProperty({ example: 'cus-1' }) id!: string;
  @ApiProperty({ type: [TransactionDto], description: 'Newest first' })
  payments!: TransactionDto[];
  @ApiProperty({ type: [RefundDto], description: 'Newest first' }) refunds!: RefundDto[];
  @ApiProperty({ type: [QueueCaseDto], description: 'Newest first' }) cases!: QueueCaseDto[];
  @ApiProperty({
    type: SecurityReportDto,
    nullable: true,
    description: 'Their OPEN security report (the stolen wallet), if any',
  })
  securityReport!: SecurityReportDto | null;
  @ApiProperty({
    type: CustomerPayoutHoldDto,
    nullable: true,
    description: 'The hold on their payouts, if any: no refund of theirs is paid out meanwhile',
  })
  payoutHold!: CustomerPayoutHoldDto | null;
}
