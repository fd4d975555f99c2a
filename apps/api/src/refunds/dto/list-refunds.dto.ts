import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches } from 'class-validator';
import { PaginationQueryDto } from '../../common/pagination';
import { RefundStatus } from '../../generated/kysely/enums';
import { TRANSACTION_ID } from '../../transactions/dto/register-transaction.dto';

export class ListRefundsQueryDto extends PaginationQueryDto {
  @ApiPropertyOptional({ enum: Object.values(RefundStatus) })
  @IsOptional()
  @IsIn(Object.values(RefundStatus))
  status?: RefundStatus;

  @ApiPropertyOptional({ example: 'TX-1001' })
  @IsOptional()
  @IsString()
  @Matches(TRANSACTION_ID, { message: 'transactionId must be a ledger payment id' })
  transactionId?: string;

  @ApiPropertyOptional({
    enum: ['true', 'false'],
    description: 'true: only refunds still in review after their reviewDueAt',
  })
  @IsOptional()
  @IsIn(['true', 'false'])
  reviewOverdue?: 'true' | 'false';

  @ApiPropertyOptional({
    enum: ['true', 'false'],
    description:
      'Agents: true lists the refunds that need an agent and have no open case: PAYOUT_FAILED, ' +
      "and APPROVED while the customer's payouts are held",
  })
  @IsOptional()
  @IsIn(['true', 'false'])
  attention?: 'true' | 'false';
}
