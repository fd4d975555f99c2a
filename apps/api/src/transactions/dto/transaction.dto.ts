import { ApiProperty } from '@nestjs/swagger';
import { PageDto } from '../../common/pagination';
import type { TransactionRow } from '../transactions.repository';

export class TransactionDto {
  @ApiProperty({ example: 'TX-1001', description: "The ledger's id" })
  id!: string;

  @ApiProperty({ example: 'cus-1' })
  customerId!: string;

  @ApiProperty({ example: 'mer-1' })
  merchantId!: string;

  @ApiProperty({ example: 1500000, description: 'Minor units of `currency`' })
  amount!: number;

  @ApiProperty({ example: 'IDR', description: 'ISO 4217 code' })
  currency!: string;

  @ApiProperty({ example: '2025-01-31T10:00:00.000Z', format: 'date-time' })
  paidAt!: string;

  @ApiProperty({ type: String, nullable: true, example: 'Order #4411, Toko Maju' })
  description!: string | null;

  @ApiProperty({ example: 0, description: 'Sum of the refunds paid out (REFUNDED)' })
  refundedAmount!: number;

  @ApiProperty({
    example: 1500000,
    description:
      'The amount minus every refund that is not CANCELLED, CLOSED, EXPIRED or REJECTED: ' +
      'what a new refund may still ask for',
  })
  refundableAmount!: number;

  @ApiProperty({ format: 'date-time', description: 'When the ledger registered it here' })
  createdAt!: string;
}

export class TransactionPageDto extends PageDto {
  @ApiProperty({ type: [TransactionDto] })
  data!: TransactionDto[];
}

// Amounts are validated as safe integers on the way in, so the conversion is exact.
export function mapTransaction(row: TransactionRow): TransactionDto {
  return {
    id: row.id,
    customerId: row.customerId,
    merchantId: row.merchantId,
    amount: Number(row.amount),
    currency: row.currency,
    paidAt: row.paidAt.toISOString(),
    description: row.description,
    refundedAmount: Number(row.refundedAmount),
    refundableAmount: Number(row.refundableAmount),
    createdAt: row.createdAt.toISOString(),
  };
}
