import { Injectable, OnModuleInit } from '@nestjs/common';
import type { ThrottlerStorage } from '@nestjs/throttler';
import { SchedulerService } from '../jobs/scheduler.service';
import { RateLimitRepository } from './rate-limit.repository';

const PURGE_BATCH_SIZE = 500;

/**
 * The throttler's counts in PostgreSQL (`RATE_LIMIT_STORE=postgres`), shared by every instance
 * on the database: one upsert per request. A window is fixed, from the caller's first request;
 * a caller over the limit is refused until the block ends.
 */
@Injectable()
export class PostgresThrottlerStorage implements ThrottlerStorage, OnModuleInit {
  constructor(
    private readonly counts: RateLimitRepository,
    private readonly scheduler: SchedulerService,
  ) {}

  onModuleInit(): void {
    this.scheduler.register({
      name: 'rate-limit.purge',
      intervalSeconds: 3600,
      run: () => this.purgeEnded(),
    });
  }

  async increment(key: string, ttl: number, limit: number, blockDuration: number) {
    const { hits, msLeft } = await this.counts.hit(key, ttl, limit, blockDuration);
    const isBlocked = hits > limit;
    const secondsLeft = Math.ceil(msLeft / 1000);
    return {
      totalHits: hits,
      timeToExpire: secondsLeft,
      isBlocked,
      timeToBlockExpire: isBlocked ? secondsLeft : 0,
    };
  }

  /** Deletes the counts of ended windows, a batch per statement; returns how many. */
  async purgeEnded(): Promise<number> {
    let total = 0;
    for (;;) {
      const deleted = await this.counts.deleteEndedBatch(PURGE_BATCH_SIZE);
      total += deleted;
      if (deleted < PURGE_BATCH_SIZE) return total;
    }
  }
}
