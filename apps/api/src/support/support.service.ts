import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { mapNotice } from './dto/notice.dto';
import { ServiceState, ServiceStatusDto } from './dto/service-status.dto';
import { mapSupportChannel, SupportChannelDto } from './dto/support-channel.dto';
import { NoticeRow, NoticesRepository } from './notices.repository';
import { isOpenAt } from './opening-hours';
import { SupportChannelId, SupportChannels } from './support-channels';

/** Which support channels are up: open by their hours and not under a notice in force. */
@Injectable()
export class SupportService {
  constructor(
    private readonly channels: SupportChannels,
    private readonly config: AppConfig,
    private readonly notices: NoticesRepository,
  ) {}

  async listChannels(now = new Date()): Promise<SupportChannelDto[]> {
    return this.channelsAt(now, await this.notices.findInForceAt(now));
  }

  /** The ids of the channels a customer can reach at `now` (for escalations). */
  async availableChannelIds(now = new Date()): Promise<SupportChannelId[]> {
    const channels = await this.listChannels(now);
    return channels.filter((channel) => channel.available).map((channel) => channel.id);
  }

  async status(now = new Date()): Promise<ServiceStatusDto> {
    const notEnded = await this.notices.findNotEndedAt(now);
    const current = notEnded.filter((notice) => notice.startsAt <= now);
    const upcoming = notEnded.filter((notice) => notice.startsAt > now);
    return {
      status: serviceState(current),
      at: now.toISOString(),
      currentNotices: current.map((notice) => mapNotice(notice, now)),
      upcomingNotices: upcoming.map((notice) => mapNotice(notice, now)),
      channels: this.channelsAt(now, current),
    };
  }

  private channelsAt(now: Date, inForce: NoticeRow[]): SupportChannelDto[] {
    const timeZone = this.config.businessTimezone;
    return this.channels.list.map((channel) =>
      mapSupportChannel(channel, timeZone, {
        open: isOpenAt(channel.hours, now, timeZone),
        noticeIds: inForce
          .filter((notice) => notice.affectedChannels.includes(channel.id))
          .map((notice) => notice.id),
      }),
    );
  }
}

function serviceState(inForce: NoticeRow[]): ServiceState {
  if (inForce.some((notice) => notice.kind === 'INCIDENT')) return 'INCIDENT';
  return inForce.length > 0 ? 'MAINTENANCE' : 'OPERATIONAL';
}
