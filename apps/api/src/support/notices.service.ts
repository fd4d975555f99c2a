import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import type { Principal } from '../common/principal';
import type { KyselyTransactionalAdapter } from '../database/database';
import { AppError, FieldError, notFound } from '../errors/app-error';
import { mapNotice, NoticeDto, PublishNoticeDto } from './dto/notice.dto';
import { NoticesRepository } from './notices.repository';

@Injectable()
export class NoticesService {
  constructor(
    private readonly notices: NoticesRepository,
    private readonly txHost: TransactionHost<KyselyTransactionalAdapter>,
  ) {}

  async publish(input: PublishNoticeDto, agent: Principal, now = new Date()): Promise<NoticeDto> {
    const startsAt = new Date(input.startsAt);
    const endsAt = new Date(input.endsAt);
    const errors: FieldError[] = [];
    if (Number.isNaN(startsAt.getTime())) {
      errors.push({ field: 'startsAt', message: 'startsAt is not a valid date and time' });
    }
    if (Number.isNaN(endsAt.getTime())) {
      errors.push({ field: 'endsAt', message: 'endsAt is not a valid date and time' });
    } else if (endsAt <= startsAt) {
      errors.push({ field: 'endsAt', message: 'endsAt must be after startsAt' });
    } else if (endsAt <= now) {
      errors.push({ field: 'endsAt', message: 'endsAt must be in the future' });
    }
    if (errors.length > 0)
      throw new AppError('VALIDATION_FAILED', 'The request is invalid.', errors);

    const notice = await this.txHost.withTransaction(() =>
      this.notices.create({
        kind: input.kind ?? 'MAINTENANCE',
        title: input.title,
        body: input.body,
        startsAt,
        endsAt,
        affectedChannels: input.affectedChannels,
        publishedById: agent.id,
      }),
    );
    return mapNotice(notice, now);
  }

  async get(id: string, now = new Date()): Promise<NoticeDto> {
    const notice = await this.notices.findById(id);
    if (!notice) throw notFound('Notice');
    return mapNotice(notice, now);
  }

  /** Ends a notice now; one that has already ended (on time or early) cannot end again. */
  async end(id: string, agent: Principal, now = new Date()): Promise<NoticeDto> {
    return this.txHost.withTransaction(async () => {
      const ended = await this.notices.endEarly(id, now, agent.id);
      if (ended) return mapNotice(ended, now);
      if (!(await this.notices.findById(id))) throw notFound('Notice');
      throw new AppError('INVALID_TRANSITION', 'The notice has already ended.');
    });
  }
}
