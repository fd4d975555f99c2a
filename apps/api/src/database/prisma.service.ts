import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import { Pool, PoolClient } from 'pg';
import { AppConfig } from '../config/app-config';
import { PrismaClient } from '../generated/prisma/client';
import { AppLogger } from '../logging/app-logger';

/**
 * The Prisma client over a `pg` pool (driver adapter: no native query engine). Only repositories
 * use it. `pool` is the same pool for the hot paths (a refund read, an apply), where Prisma's
 * per-query work costs more than the query itself (see the README's Benchmark section).
 */
@Injectable()
export class PrismaService extends PrismaClient implements OnModuleDestroy {
  readonly pool: Pool;

  constructor(config: AppConfig, logger: AppLogger) {
    if (!config.databaseUrl) throw new Error('databaseUrl must be resolved before the app starts');
    const pool = new Pool({
      connectionString: config.databaseUrl,
      max: 10,
      connectionTimeoutMillis: 5_000,
    });
    // An idle connection dropped by the server must not crash the process; the pool replaces it.
    pool.on('error', (error) => logger.warn({ err: error }, 'database connection lost'));
    // Parallel requests queue for a pooled connection and row locks; wait rather than fail.
    super({
      adapter: new PrismaPg(pool),
      transactionOptions: { maxWait: 15_000, timeout: 15_000 },
    });
    this.pool = pool;
  }

  /** Runs `work` in a transaction on one connection of `pool` (the pg side of `$transaction`). */
  async poolTransaction<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  async onModuleDestroy(): Promise<void> {
    await this.$disconnect();
    await this.pool.end().catch(() => undefined);
  }
}
