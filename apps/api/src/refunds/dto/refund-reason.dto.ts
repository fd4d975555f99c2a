import { ApiProperty } from '@nestjs/swagger';
import { ReasonCode } from '../../generated/kysely/enums';
import type { EvidenceRule } from '../evidence';

export class RefundReasonDto {
  @ApiProperty({ enum: Object.values(ReasonCode) }) code!: ReasonCode;

  @ApiProperty({
    enum: ['PHOTO', 'ATTACHMENT', 'DESCRIPTION'],
    nullable: true,
    description: 'What submit requires for this reason; null: nothing beyond the application',
  })
  evidence!: EvidenceRule | null;

  @ApiProperty({
    example: 'It arrived defective or damaged',
    description: "In the caller's language",
  })
  text!: string;
}
