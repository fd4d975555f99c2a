import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import type { Socket } from 'node:net';
import { Pool, PoolClient } from 'pg';
import { AppConfig } from '../config/app-config';
import { PrismaClient } from '../generated/prisma/client';
import { AppLogger } from '../logging/app-logger';

/**
 * A request must fail within 5 s when the database is gone (503 DATABASE_UNAVAILABLE), also
 * when the link is dead rather than refused: nothing answers then, and without these bounds a
 * query waits for TCP to give up (minutes). The connection bound also covers the wait for a
 * free pooled connection. Both are far above what a query takes on a healthy database, lock
 * waits included (milliseconds; seconds only on an overloaded machine).
 */
const CONNECT_TIMEOUT_MS = 2_500;
const QUERY_TIMEOUT_MS = 2_500;

/**
 * A query that timed out leaves its connection waiting for an answer that may never come, and
 * each later query on it (the transaction's ROLLBACK) would wait out a time-out of its own:
 * the connection is closed instead, so they fail at once and the pool opens a fresh one.
 */
function closeOnQueryTimeout(client: PoolClient): void {
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  client.query = ((...args: unknown[]) => {
    const result = query(...args);
    if (result instanceof Promise) {
      result.catch((error: Error) => {
        if (error.message !== 'Query read timeout') return;
        // pg has no public way to drop a connection at once (end() waits for the server).
        (client as unknown as { connection: { stream: Socket } }).connection.stream.destroy();
      });
    }
    return result;
  }) as PoolClient['query'];
}

/**
 * The Prisma client over a `pg` pool (driver adapter: no native query engine). Only repositories
 * use it. `pool` is the same pool for the hot paths (a refund read, an apply), where Prisma's
 * per-query work costs more than the query itself (see docs/benchmark.md).
 */
@Injectable()
export class PrismaService extends PrismaClient implements OnModuleDestroy {
  readonly pool: Pool;

  constructor(config: AppConfig, logger: AppLogger) {
    if (!config.databaseUrl) throw new Error('databaseUrl must be resolved before the app starts');
    const pool = new Pool({
      connectionString: config.databaseUrl,
      max: 10,
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      query_timeout: QUERY_TIMEOUT_MS,
      // Notices a peer that vanished on an idle connection, rather than handing it out.
      keepAlive: true,
    });
    pool.on('connect', closeOnQueryTimeout);
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
    let result: T;
    try {
      await client.query('BEGIN');
      result = await work(client);
      await client.query('COMMIT');
    } catch (error) {
      // A connection that cannot even roll back is broken: the pool drops it, not reuses it.
      const broken = await client.query('ROLLBACK').then(
        () => undefined,
        (rollbackError: Error) => rollbackError,
      );
      client.release(broken);
      throw error;
    }
    client.release();
    return result;
  }

  async onModuleDestroy(): Promise<void> {
    await this.$disconnect();
    await this.pool.end().catch(() => undefined);
  }
}
