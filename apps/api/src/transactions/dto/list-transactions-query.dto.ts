import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import { PaginationQueryDto } from '../../common/pagination';
import { IsPrincipalId } from './validators';

export class ListTransactionsQueryDto extends PaginationQueryDto {
  @ApiPropertyOptional({ description: "Only this customer's payments (narrows, never widens)" })
  @IsOptional()
  @IsPrincipalId()
  customerId?: string;

  @ApiPropertyOptional({ description: 'Only payments to this merchant (narrows, never widens)' })
  @IsOptional()
  @IsPrincipalId()
  merchantId?: string;
}
