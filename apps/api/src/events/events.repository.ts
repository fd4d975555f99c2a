import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import type { Event, KyselyTransactionalAdapter } from '../database/database';

export interface EventFilter {
  customerId?: string;
  merchantId?: string;
  type?: string;
  typePrefix?: string;
}

@Injectable()
export class EventsRepository {
  constructor(private readonly txHost: TransactionHost<KyselyTransactionalAdapter>) {}

  /** Newest first (by position), keyset-paginated: `before` is the last position served. */
  list(filter: EventFilter, limit: number, before?: bigint): Promise<Event[]> {
    let query = this.txHost.tx.selectFrom('events').selectAll();
    if (filter.customerId !== undefined) query = query.where('customerId', '=', filter.customerId);
    if (filter.merchantId !== undefined) query = query.where('merchantId', '=', filter.merchantId);
    if (filter.type !== undefined) query = query.where('type', '=', filter.type);
    if (filter.typePrefix !== undefined) {
      query = query.where('type', 'like', `${filter.typePrefix.replace(/[\\%_]/g, '\\$&')}%`);
    }
    if (before !== undefined) query = query.where('position', '<', before);
    return query.orderBy('position', 'desc').limit(limit).execute();
  }
}
