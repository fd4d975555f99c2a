import { UUID } from '../../common/ids';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsBoolean,
  IsIn,
  IsInt,
  Max,
  Min,
  IsNotEmpty,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
} from 'class-validator';
import { PaginationQueryDto } from '../../common/pagination';
import { CasePriority, CaseReason, CaseStatus } from '../../generated/kysely/enums';
import { QUEUE_SORTS, type QueueSort } from '../cases.repository';

export const CUSTOMER_CHANNELS = ['IN_APP_CHAT', 'HOTLINE', 'EMAIL', 'SOCIAL_MEDIA'] as const;

export class EscalateDto {
  @ApiProperty({ maxLength: 4000, example: 'Nobody has looked at my refund for a week.' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(4000)
  message!: string;

  @ApiPropertyOptional({ enum: CUSTOMER_CHANNELS, default: 'IN_APP_CHAT' })
  @IsOptional()
  @IsIn(CUSTOMER_CHANNELS)
  channel?: (typeof CUSTOMER_CHANNELS)[number];
}

export class AssignCaseDto {
  @ApiProperty({ example: 'agt-2' })
  @IsString()
  @Matches(/^[A-Za-z0-9._:@-]{1,128}$/, { message: 'agentId must be an agent id' })
  agentId!: string;
}

export class RateCaseDto {
  @ApiProperty({ minimum: 1, maximum: 5, example: 5, description: '1 (very unhappy) to 5' })
  @IsInt()
  @Min(1)
  @Max(5)
  score!: number;

  @ApiPropertyOptional({ maxLength: 2000, example: 'Sorted out in a day, thank you.' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  comment?: string;
}

export class CaseMessageRequestDto {
  @ApiPropertyOptional({ maxLength: 4000, description: 'The text; or send `macroId` instead' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(4000)
  body?: string;

  @ApiPropertyOptional({
    format: 'uuid',
    description:
      "Agents: post this macro's text, its placeholders filled in from the case (public or " +
      'internal as the macro says); instead of `body`',
  })
  @IsOptional()
  @Matches(UUID, { message: 'macroId must be a macro id' })
  macroId?: string;

  @ApiPropertyOptional({ default: false, description: 'An internal note (agents only)' })
  @IsOptional()
  @IsBoolean()
  internal?: boolean;
}

export class ListCasesQueryDto extends PaginationQueryDto {
  @ApiPropertyOptional({ enum: Object.values(CaseStatus) })
  @IsOptional()
  @IsIn(Object.values(CaseStatus))
  status?: CaseStatus;

  @ApiPropertyOptional({ enum: Object.values(CasePriority) })
  @IsOptional()
  @IsIn(Object.values(CasePriority))
  priority?: CasePriority;

  @ApiPropertyOptional({ enum: Object.values(CaseReason) })
  @IsOptional()
  @IsIn(Object.values(CaseReason))
  reason?: CaseReason;

  @ApiPropertyOptional()
  @IsOptional()
  @Matches(/^[A-Za-z0-9._:@-]{1,128}$/)
  assigneeId?: string;

  @ApiPropertyOptional({ enum: ['true', 'false'] })
  @IsOptional()
  @IsIn(['true', 'false'])
  breached?: 'true' | 'false';

  @ApiPropertyOptional({ enum: ['true'], description: 'true: only cases without an assignee' })
  @IsOptional()
  @IsIn(['true'])
  unassigned?: 'true';

  @ApiPropertyOptional({
    enum: ['true', 'false'],
    description:
      'true: only open cases (NEW, OPEN, PENDING_CUSTOMER, ON_HOLD); false: only SOLVED and CLOSED',
  })
  @IsOptional()
  @IsIn(['true', 'false'])
  open?: 'true' | 'false';

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @Matches(UUID, { message: 'refundId must be a refund id' })
  refundId?: string;

  @ApiPropertyOptional({
    enum: QUEUE_SORTS,
    default: 'priority',
    description:
      'priority: the urgency order (most urgent priority, then the earliest due target); ' +
      'due: the earliest due target first; createdAt, lastActivityAt: the newest first',
  })
  @IsOptional()
  @IsIn(QUEUE_SORTS)
  sort?: QueueSort;
}
