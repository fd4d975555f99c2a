import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { IsAmount, IsCurrencyCode, IsInstant, IsPrincipalId } from './validators';

/** The ledger's own payment ids. */
export const TRANSACTION_ID = /^[A-Za-z0-9._:-]{1,64}$/;

// Line breaks and tabs, but no other control characters (PostgreSQL refuses NUL in text).
const TEXT = /^(?:[^\p{Cc}]|[\t\n\r])*$/u;

export class RegisterTransactionDto {
  @ApiProperty({
    example: 'TX-1001',
    pattern: TRANSACTION_ID.source,
    description: "The ledger's id",
  })
  @IsString()
  @Matches(TRANSACTION_ID, { message: 'id must be 1-64 characters of A-Z a-z 0-9 . _ : -' })
  id!: string;

  @ApiProperty({ example: 'cus-1', minLength: 1, maxLength: 128 })
  @IsPrincipalId()
  customerId!: string;

  @ApiProperty({ example: 'mer-1', minLength: 1, maxLength: 128 })
  @IsPrincipalId()
  merchantId!: string;

  @ApiProperty({
    example: 1500000,
    minimum: 1,
    maximum: Number.MAX_SAFE_INTEGER,
    description: 'Minor units of the currency as ISO 4217 defines them (IDR 15.000 is 1500000)',
  })
  @IsAmount()
  amount!: number;

  @ApiProperty({ example: 'IDR', description: 'ISO 4217 code' })
  @IsCurrencyCode()
  currency!: string;

  @ApiProperty({ example: '2025-01-31T10:00:00Z', format: 'date-time' })
  @IsInstant()
  paidAt!: string;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    example: 'Order #4411, Toko Maju',
    maxLength: 1000,
  })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  @Matches(TEXT, { message: 'description must not contain control characters' })
  description?: string | null;
}
