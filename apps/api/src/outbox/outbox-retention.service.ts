import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { AppConfig } from '../config/app-config';
import type { KyselyTransactionalAdapter } from '../database/database';
import { OutboxRepository } from './outbox.repository';

/** Events purged per unit of work: each batch commits quickly and holds few row locks. */
export const EVENT_PURGE_BATCH_SIZE = 500;
const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Keeps the outbox bounded: events older than EVENT_RETENTION_DAYS go, with their webhook
 * deliveries and attempts. Refund timelines, cases and attachments are other tables, never purged.
 */
@Injectable()
export class OutboxRetentionService {
  constructor(
    private readonly txHost: TransactionHost<KyselyTransactionalAdapter>,
    private readonly outbox: OutboxRepository,
    private readonly config: AppConfig,
  ) {}

  /** Deletes every event past its retention, a batch per transaction; returns how many. */
  async purgeExpired(): Promise<number> {
    // One cutoff for the whole run, so that it ends even while events keep ageing into it.
    const cutoff = new Date(Date.now() - this.config.eventRetentionDays * DAY_MS);
    let total = 0;
    for (;;) {
      const deleted = await this.txHost.withTransaction(async () => {
        const ids = await this.outbox.lockEventsBefore(cutoff, EVENT_PURGE_BATCH_SIZE);
        if (ids.length === 0) return 0;
        // Deliveries first: they reference the events.
        await this.outbox.deleteDeliveriesOf(ids);
        return this.outbox.purgeEvents(ids);
      });
      total += deleted;
      if (deleted < EVENT_PURGE_BATCH_SIZE) return total;
    }
  }
}
