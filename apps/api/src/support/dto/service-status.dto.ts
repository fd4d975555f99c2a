import { ApiProperty } from '@nestjs/swagger';
import { NoticeDto } from './notice.dto';
import { SupportChannelDto } from './support-channel.dto';

export const SERVICE_STATES = ['OPERATIONAL', 'MAINTENANCE', 'INCIDENT'] as const;
export type ServiceState = (typeof SERVICE_STATES)[number];

export class ServiceStatusDto {
  @ApiProperty({
    enum: SERVICE_STATES,
    description:
      'INCIDENT if an incident notice is in force, else MAINTENANCE if one is, else OPERATIONAL',
  })
  status!: ServiceState;

  @ApiProperty({ format: 'date-time', description: 'The moment this status describes' })
  at!: string;

  @ApiProperty({ type: [NoticeDto], description: 'Notices in force, oldest start first' })
  currentNotices!: NoticeDto[];

  @ApiProperty({ type: [NoticeDto], description: 'Notices not started yet, soonest first' })
  upcomingNotices!: NoticeDto[];

  @ApiProperty({ type: [SupportChannelDto] })
  channels!: SupportChannelDto[];
}
