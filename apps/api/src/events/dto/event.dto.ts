import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { PageDto, PaginationQueryDto } from '../../common/pagination';
import type { Event } from '../../database/database';
import { EVENT_TYPES } from '../event-types';

export class EventDto {
  @ApiProperty({
    format: 'uuid',
    description: 'Stable across webhook retries: receivers drop repeats',
  })
  id!: string;

  @ApiProperty({ enum: EVENT_TYPES, example: 'refund.approve' })
  type!: string;

  @ApiProperty() createdAt!: string;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'The refund or support case as GET returns it, without nextActions',
  })
  data!: Record<string, unknown>;
}

export class EventPageDto extends PageDto {
  @ApiProperty({ type: [EventDto] }) data!: EventDto[];
}

export class ListEventsQueryDto extends PaginationQueryDto {
  @ApiPropertyOptional({ enum: EVENT_TYPES })
  @IsOptional()
  @IsIn(EVENT_TYPES)
  type?: string;
}

export function mapEvent(event: Event): EventDto {
  return {
    id: event.id,
    type: event.type,
    createdAt: event.createdAt.toISOString(),
    data: event.data as Record<string, unknown>,
  };
}
