import { ApiProperty } from '@nestjs/swagger';
import type { OpeningHours } from '../opening-hours';
import { SUPPORT_CHANNEL_IDS, SupportChannel, SupportChannelId } from '../support-channels';

export const UNAVAILABLE_REASONS = ['NOTICE', 'OUTSIDE_HOURS'] as const;
export type UnavailableReason = (typeof UNAVAILABLE_REASONS)[number];

export class OpeningHoursDto {
  @ApiProperty({
    type: [Number],
    example: [1, 2, 3, 4, 5, 6, 7],
    description: 'ISO weekdays: 1 = Monday … 7 = Sunday',
  })
  days!: number[];

  @ApiProperty({ example: '08:00', description: 'Local time HH:mm in timeZone' })
  open!: string;

  @ApiProperty({
    example: '22:00',
    description: 'Local time HH:mm, up to 24:00; earlier than open: closes the next day',
  })
  close!: string;
}

export class SupportChannelDto {
  @ApiProperty({
    enum: SUPPORT_CHANNEL_IDS,
    enumName: 'SupportChannelId',
    description: 'What notices name in affectedChannels',
  })
  id!: SupportChannelId;

  @ApiProperty({ example: 'Hotline' })
  name!: string;

  @ApiProperty({ example: '+62 21 5000 0000', description: 'Number, address or handle' })
  contact!: string;

  @ApiProperty({ example: 'Asia/Jakarta', description: 'IANA time zone of the opening hours' })
  timeZone!: string;

  @ApiProperty({ type: [OpeningHoursDto], description: 'Empty: never open' })
  hours!: OpeningHoursDto[];

  @ApiProperty({ example: 'within 5 minutes' })
  expectedResponseTime!: string;

  @ApiProperty({ description: 'Open now and not affected by a notice in force' })
  available!: boolean;

  @ApiProperty({
    enum: UNAVAILABLE_REASONS,
    nullable: true,
    type: String,
    description: 'Why it is not available; NOTICE when both apply',
  })
  unavailableReason!: UnavailableReason | null;

  @ApiProperty({
    type: [String],
    format: 'uuid',
    description: 'Notices in force now that affect the channel',
  })
  noticeIds!: string[];
}

function mapHours(hours: OpeningHours): OpeningHoursDto {
  return { days: [...hours.days], open: hours.open, close: hours.close };
}

export function mapSupportChannel(
  channel: SupportChannel,
  timeZone: string,
  state: { open: boolean; noticeIds: string[] },
): SupportChannelDto {
  const unavailableReason: UnavailableReason | null =
    state.noticeIds.length > 0 ? 'NOTICE' : state.open ? null : 'OUTSIDE_HOURS';
  return {
    id: channel.id,
    name: channel.name,
    contact: channel.contact,
    timeZone,
    hours: channel.hours.map(mapHours),
    expectedResponseTime: channel.expectedResponseTime,
    available: unavailableReason === null,
    unavailableReason,
    noticeIds: state.noticeIds,
  };
}
