import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsNotEmpty,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
} from 'class-validator';
import { CUSTOMER_CHANNELS } from '../../cases/dto/case-requests.dto';
import { PaginationQueryDto } from '../../common/pagination';
import { TRANSACTION_ID } from '../../transactions/dto/register-transaction.dto';
import { IsPrincipalId } from '../../transactions/dto/validators';

export const MAX_REPORTED_PAYMENTS = 50;

export class FileSecurityReportDto {
  @ApiProperty({
    maxLength: 4000,
    example: 'My phone was stolen yesterday evening; I did not make the payments listed.',
  })
  @IsString()
  @IsNotEmpty()
  @MaxLength(4000)
  description!: string;

  @ApiPropertyOptional({
    enum: CUSTOMER_CHANNELS,
    description: 'How it came in (default: IN_APP_CHAT for a customer, HOTLINE for an agent)',
  })
  @IsOptional()
  @IsIn(CUSTOMER_CHANNELS)
  channel?: (typeof CUSTOMER_CHANNELS)[number];

  @ApiPropertyOptional({
    type: [String],
    maxItems: MAX_REPORTED_PAYMENTS,
    uniqueItems: true,
    example: ['TX-1001'],
    description: "The customer's payments they did not make: a refund request for each",
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_REPORTED_PAYMENTS)
  @ArrayUnique()
  @IsString({ each: true })
  @Matches(TRANSACTION_ID, { each: true, message: 'transactionIds must be ledger payment ids' })
  transactionIds?: string[];

  @ApiPropertyOptional({
    example: 'cus-1',
    description: 'Agents only (required): the customer who called',
  })
  @IsOptional()
  @IsPrincipalId()
  customerId?: string;
}

export class ReleaseSecurityReportDto {
  @ApiProperty({ maxLength: 4000, example: 'Identity confirmed by phone; account secured.' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(4000)
  note!: string;
}

export class ListSecurityReportsQueryDto extends PaginationQueryDto {}
