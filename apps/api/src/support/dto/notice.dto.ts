import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsEnum,
  IsISO8601,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
} from 'class-validator';
import { NoticeKind } from '../../generated/kysely/enums';
import type { NoticeRow } from '../notices.repository';
import { SUPPORT_CHANNEL_IDS, SupportChannelId } from '../support-channels';

export const NOTICE_KINDS = Object.values(NoticeKind);
export const NOTICE_STATUSES = ['UPCOMING', 'ACTIVE', 'ENDED'] as const;
export type NoticeStatus = (typeof NOTICE_STATUSES)[number];

export const TITLE_MAX = 120;
export const BODY_MAX = 4000;

const NOT_BLANK = /\S/;
// RFC 3339 (OpenAPI's date-time): an explicit offset, so no time is read in the server's zone.
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/i;
const dateTimeMessage = (field: string) =>
  `${field} must be a date-time with an offset, such as 2026-12-01T15:00:00Z`;

export class PublishNoticeDto {
  @ApiPropertyOptional({ enum: NOTICE_KINDS, enumName: 'NoticeKind', default: 'MAINTENANCE' })
  @IsOptional()
  @IsEnum(NoticeKind)
  kind?: NoticeKind;

  @ApiProperty({ maxLength: TITLE_MAX, example: 'Chat maintenance' })
  @IsString()
  @Matches(NOT_BLANK, { message: 'title must not be blank' })
  @MaxLength(TITLE_MAX)
  title!: string;

  @ApiProperty({
    maxLength: BODY_MAX,
    example: 'In-app chat is down for an upgrade. Call the hotline meanwhile.',
  })
  @IsString()
  @Matches(NOT_BLANK, { message: 'body must not be blank' })
  @MaxLength(BODY_MAX)
  body!: string;

  @ApiProperty({ format: 'date-time', example: '2026-12-01T15:00:00Z' })
  @Matches(DATE_TIME, { message: dateTimeMessage('startsAt') })
  @IsISO8601({ strict: true }, { message: 'startsAt is not a valid date and time' })
  startsAt!: string;

  @ApiProperty({
    format: 'date-time',
    example: '2026-12-01T17:00:00Z',
    description: 'After startsAt, in the future',
  })
  @Matches(DATE_TIME, { message: dateTimeMessage('endsAt') })
  @IsISO8601({ strict: true }, { message: 'endsAt is not a valid date and time' })
  endsAt!: string;

  @ApiProperty({
    enum: SUPPORT_CHANNEL_IDS,
    enumName: 'SupportChannelId',
    isArray: true,
    description: 'Channels unavailable while the notice is in force; may be empty',
  })
  @IsArray()
  @ArrayMaxSize(SUPPORT_CHANNEL_IDS.length)
  @ArrayUnique()
  @IsEnum(SupportChannelId, { each: true })
  affectedChannels!: SupportChannelId[];
}

export class NoticeDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({
    enum: NOTICE_KINDS,
    enumName: 'NoticeKind',
    description: 'Planned maintenance or an unplanned incident',
  })
  kind!: NoticeKind;

  @ApiProperty()
  title!: string;

  @ApiProperty()
  body!: string;

  @ApiProperty({ format: 'date-time' })
  startsAt!: string;

  @ApiProperty({ format: 'date-time', description: 'Moved to the moment it was ended early' })
  endsAt!: string;

  @ApiProperty({ enum: SUPPORT_CHANNEL_IDS, enumName: 'SupportChannelId', isArray: true })
  affectedChannels!: SupportChannelId[];

  @ApiProperty({
    enum: NOTICE_STATUSES,
    description: 'UPCOMING before startsAt, ACTIVE (in force) until endsAt, ENDED after',
  })
  status!: NoticeStatus;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  endedEarlyAt!: string | null;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt!: string;
}

export function noticeStatus(
  notice: Pick<NoticeRow, 'startsAt' | 'endsAt'>,
  now: Date,
): NoticeStatus {
  if (now < notice.startsAt) return 'UPCOMING';
  return now < notice.endsAt ? 'ACTIVE' : 'ENDED';
}

export function mapNotice(notice: NoticeRow, now: Date): NoticeDto {
  return {
    id: notice.id,
    kind: notice.kind,
    title: notice.title,
    body: notice.body,
    startsAt: notice.startsAt.toISOString(),
    endsAt: notice.endsAt.toISOString(),
    affectedChannels: notice.affectedChannels,
    status: noticeStatus(notice, now),
    endedEarlyAt: notice.endedEarlyAt?.toISOString() ?? null,
    createdAt: notice.createdAt.toISOString(),
    updatedAt: notice.updatedAt.toISOString(),
  };
}
