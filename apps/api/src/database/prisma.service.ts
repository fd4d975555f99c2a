import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import { Pool } from 'pg';
import { AppConfig } from '../config/app-config';
import { PrismaClient } from '../generated/prisma/client';
import { AppLogger } from '../logging/app-logger';

/**
 * The Prisma client over a `pg` pool (driver adapter: no native query engine). Only repositories
 * use it.
 */
@Injectable()
export class PrismaService extends PrismaClient implements OnModuleDestroy {
  private readonly pool: Pool;

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

  async onModuleDestroy(): Promise<void> {
    await this.$disconnect();
    await this.pool.end().catch(() => undefined);
  }
}
