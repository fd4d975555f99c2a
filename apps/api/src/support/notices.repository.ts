import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { type ExpressionBuilder, sql } from 'kysely';
import type { DB, KyselyTransactionalAdapter, Notice } from '../database/database';
import type { NoticeKind, SupportChannelId } from '../generated/kysely/enums';

/**
 * A notice with its channels as an array. `affected_channels` is an array of an enum, a type pg
 * does not know, so it would come back as PostgreSQL's text form (`{HOTLINE,EMAIL}`; the
 * generated row type says `string`): every query here reads it as `text[]`.
 */
export type NoticeRow = Omit<Notice, 'affectedChannels'> & {
  affectedChannels: SupportChannelId[];
};

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

const COLUMNS = [
  'id',
  'kind',
  'title',
  'body',
  'startsAt',
  'endsAt',
  'publishedById',
  'endedEarlyAt',
  'endedById',
  'createdAt',
  'updatedAt',
] as const;

const channels = (eb: ExpressionBuilder<DB, 'notices'>) =>
  sql<SupportChannelId[]>`${eb.ref('affectedChannels')}::text[]`.as('affectedChannels');

@Injectable()
export class NoticesRepository {
  constructor(private readonly txHost: TransactionHost<KyselyTransactionalAdapter>) {}

  create(notice: NewNotice): Promise<NoticeRow> {
    return this.txHost.tx
      .insertInto('notices')
      .values({
        ...notice,
        id: randomUUID(),
        affectedChannels: sql<string>`${notice.affectedChannels}::support_channel_id[]`,
      })
      .returning(COLUMNS)
      .returning(channels)
      .executeTakeFirstOrThrow();
  }

  findById(id: string): Promise<NoticeRow | undefined> {
    return this.select().where('id', '=', id).executeTakeFirst();
  }

  /** Notices in force at `at` or starting later, soonest first. */
  findNotEndedAt(at: Date): Promise<NoticeRow[]> {
    return this.select()
      .where('endsAt', '>', at)
      .orderBy('startsAt')
      .orderBy('id')
      .limit(OPEN_NOTICES_LIMIT)
      .execute();
  }

  /** Notices in force at `at` that affect any channel. */
  findInForceAt(at: Date): Promise<NoticeRow[]> {
    return this.select()
      .where('startsAt', '<=', at)
      .where('endsAt', '>', at)
      .where((eb) => eb(eb.fn('cardinality', ['affectedChannels']), '>', 0))
      .orderBy('startsAt')
      .orderBy('id')
      .execute();
  }

  /**
   * Ends the notice at `at` unless it has already ended: one conditional write, so of two agents
   * ending it together exactly one succeeds (the marker, not the times: the second agent's `at`
   * may be earlier than the first's). An upcoming notice ends before it starts, so both of
   * its times become `at`. Returns the ended notice, or undefined when nothing was ended.
   */
  endEarly(id: string, at: Date, agentId: string): Promise<NoticeRow | undefined> {
    return this.txHost.tx
      .updateTable('notices')
      .set((eb) => ({
        endsAt: at,
        startsAt: eb.fn<Date>('least', ['startsAt', eb.val(at)]),
        endedEarlyAt: at,
        endedById: agentId,
        updatedAt: at,
      }))
      .where('id', '=', id)
      .where('endsAt', '>', at)
      .where('endedEarlyAt', 'is', null)
      .returning(COLUMNS)
      .returning(channels)
      .executeTakeFirst();
  }

  private select() {
    return this.txHost.tx.selectFrom('notices').select(COLUMNS).select(channels);
  }
}
