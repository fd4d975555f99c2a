import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { ReasonCode } from '../../generated/kysely/enums';
import { TRANSACTION_ID } from '../../transactions/dto/register-transaction.dto';
import { IsAmount, IsInstant } from '../../transactions/dto/validators';

const MAX_AMOUNT = Number.MAX_SAFE_INTEGER;
const REASON_CODES = Object.values(ReasonCode);

export class CreateRefundDto {
  @ApiProperty({ example: 'TX-1001', description: "The payment's ledger id" })
  @IsString()
  @Matches(TRANSACTION_ID, { message: 'transactionId must be a ledger payment id' })
  transactionId!: string;

  @ApiProperty({
    example: 1500000,
    minimum: 1,
    maximum: MAX_AMOUNT,
    description: 'Minor units of the payment currency, as a JSON number',
  })
  @IsAmount()
  amount!: number;

  @ApiProperty({ enum: REASON_CODES })
  @IsIn(REASON_CODES)
  reasonCode!: ReasonCode;

  @ApiPropertyOptional({ maxLength: 2000 })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  description?: string;
}

/** PATCH fields may be left out, but not set to null. */
const isPresent = (_body: object, value: unknown): boolean => value !== undefined;

export class UpdateRefundDto {
  @ApiPropertyOptional({ example: 1000000, minimum: 1, maximum: MAX_AMOUNT })
  @ValidateIf(isPresent)
  @IsAmount()
  amount?: number;

  @ApiPropertyOptional({ enum: REASON_CODES })
  @ValidateIf(isPresent)
  @IsIn(REASON_CODES)
  reasonCode?: ReasonCode;

  @ApiPropertyOptional({ maxLength: 2000 })
  @ValidateIf(isPresent)
  @IsString()
  @MaxLength(2000)
  description?: string;
}

export class NoteDto {
  @ApiPropertyOptional({ maxLength: 2000 })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  note?: string;
}

export class RejectDto {
  @ApiProperty({ maxLength: 2000, example: 'The goods were delivered and signed for.' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(2000)
  reason!: string;
}

export class RequestInfoDto {
  @ApiProperty({ maxLength: 2000, example: 'Please attach a photo of the damaged item.' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(2000)
  question!: string;
}

export class ProvideInfoDto {
  @ApiProperty({ maxLength: 2000 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(2000)
  answer!: string;
}

export class NegotiationRecordDto {
  @ApiProperty({ example: '2026-11-20T10:00:00Z' })
  @IsInstant()
  at!: string;

  @ApiProperty({ example: 'merchant chat' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  channel!: string;

  @ApiProperty({ maxLength: 2000 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(2000)
  summary!: string;

  @ApiPropertyOptional({ type: [String], description: 'Ids of attachments of this refund' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10)
  @IsUUID('all', { each: true })
  attachmentIds?: string[];
}

export class DisputeDto {
  @ApiProperty({ maxLength: 4000 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(4000)
  statement!: string;

  @ApiPropertyOptional({ type: [NegotiationRecordDto] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => NegotiationRecordDto)
  negotiationRecords?: NegotiationRecordDto[];
}

export const DISPUTE_OUTCOMES = ['CUSTOMER_FAVOUR', 'MERCHANT_FAVOUR'] as const;
export type DisputeOutcome = (typeof DISPUTE_OUTCOMES)[number];

export class ResolveDisputeDto {
  @ApiProperty({ enum: DISPUTE_OUTCOMES })
  @IsIn(DISPUTE_OUTCOMES)
  outcome!: DisputeOutcome;

  @ApiProperty({
    maxLength: 2000,
    description: 'Sent to the customer as a public message on the case, and kept as the decision',
  })
  @IsString()
  @IsNotEmpty()
  @MaxLength(2000)
  note!: string;

  @ApiPropertyOptional({
    maxLength: 4000,
    description:
      "The agent's reasoning for the record: an internal note on the case, never shown to the customer or the merchant",
  })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(4000)
  internalNote?: string;
}

export class MerchantResponseDto {
  @ApiProperty({ maxLength: 4000 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(4000)
  statement!: string;
}

export const PAYOUT_RESULTS = ['SUCCEEDED', 'FAILED'] as const;
export type PayoutResult = (typeof PAYOUT_RESULTS)[number];

export class PayoutDto {
  @ApiProperty({ enum: PAYOUT_RESULTS })
  @IsIn(PAYOUT_RESULTS)
  result!: PayoutResult;

  @ApiPropertyOptional({ description: 'Payout reference (SUCCEEDED)', maxLength: 200 })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  reference?: string;

  @ApiPropertyOptional({ description: 'Why it failed: required when FAILED', maxLength: 2000 })
  @ValidateIf((body: PayoutDto) => body.result === 'FAILED' || body.failureReason !== undefined)
  @IsString()
  @IsNotEmpty()
  @MaxLength(2000)
  failureReason?: string;
}

export class OfferDto {
  @ApiProperty({
    example: 100000,
    description: "Minor units, below the refund's amount (422 OFFER_AMOUNT_INVALID otherwise)",
  })
  @IsAmount()
  amount!: number;

  @ApiProperty({ maxLength: 2000, example: 'Half back: the item was used once.' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(2000)
  message!: string;
}

/** Actions without a body still reject unknown fields. */
export class EmptyDto {}
