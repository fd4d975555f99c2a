import { Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service';
import type { Notice } from '../generated/prisma/client';
import type { NoticeKind, SupportChannelId } from '../generated/kysely/enums';

export type { Notice };

export interface NewNotice {
  kind: NoticeKind;
  title: string;
  body: string;
  startsAt: Date;
  endsAt: Date;
  affectedChannels: SupportChannelId[];
  publishedById: string;
}

/** At most this many notices not yet ended are listed; more would be an operational mistake. */
const OPEN_NOTICES_LIMIT = 100;

@Injectable()
export class NoticesRepository {
  constructor(private readonly prisma: PrismaService) {}

  create(notice: NewNotice): Promise<Notice> {
    return this.prisma.notice.create({ data: notice });
  }

  findById(id: string): Promise<Notice | null> {
    return this.prisma.notice.findUnique({ where: { id } });
  }

  /** Notices in force at `at` or starting later, soonest first. */
  findNotEndedAt(at: Date): Promise<Notice[]> {
    return this.prisma.notice.findMany({
      where: { endsAt: { gt: at } },
      orderBy: [{ startsAt: 'asc' }, { id: 'asc' }],
      take: OPEN_NOTICES_LIMIT,
    });
  }

  /** Notices in force at `at` that affect any channel. */
  findInForceAt(at: Date): Promise<Notice[]> {
    return this.prisma.notice.findMany({
      where: {
        startsAt: { lte: at },
        endsAt: { gt: at },
        NOT: { affectedChannels: { isEmpty: true } },
      },
      orderBy: [{ startsAt: 'asc' }, { id: 'asc' }],
    });
  }

  /**
   * Ends the notice at `at` unless it has already ended: one conditional write, so of two agents
   * ending it together exactly one succeeds (the marker, not the times: the second agent's `at`
   * may be earlier than the first's). An upcoming notice ends before it starts, so both of
   * its times become `at`. Returns the ended notice, or null when nothing was ended.
   */
  async endEarly(id: string, at: Date, agentId: string): Promise<Notice | null> {
    const ended = await this.prisma.$executeRaw`
      UPDATE notices
         SET ends_at = ${at}, starts_at = LEAST(starts_at, ${at}), ended_early_at = ${at},
             ended_by_id = ${agentId}, updated_at = ${at}
       WHERE id = ${id}::uuid AND ends_at > ${at} AND ended_early_at IS NULL`;
    return ended === 1 ? this.findById(id) : null;
  }
}
