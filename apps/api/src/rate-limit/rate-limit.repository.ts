import { Inject, Injectable } from '@nestjs/common';
import { sql } from 'kysely';
import { DATABASE, type Database } from '../database/database';

export interface WindowCount {
  /** Requests in the window, this one included. */
  hits: number;
  /** Milliseconds until the window (or the block) ends: always above zero. */
  msLeft: number;
}

/**
 * The shared request counts of `RATE_LIMIT_STORE=postgres`. It queries the pool itself, never a
 * unit of work: a request is counted whatever becomes of its transaction.
 */
@Injectable()
export class RateLimitRepository {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  /**
   * Counts one request of `key`, in one statement, so concurrent requests on any instance are
   * each counted once. A window that has ended starts afresh; the request that goes over `limit`
   * makes the window last at least `blockMs` from now (the block), as the memory and Redis
   * stores do.
   */
  async hit(key: string, windowMs: number, limit: number, blockMs: number): Promise<WindowCount> {
    const { rows } = await sql<WindowCount>`
      INSERT INTO rate_limit_hits AS r (key, hits, window_ends_at)
      VALUES (${key}, 1, now() + make_interval(secs => ${windowMs / 1000}::double precision))
      ON CONFLICT (key) DO UPDATE SET
        hits = CASE WHEN r.window_ends_at <= now() THEN 1 ELSE r.hits + 1 END,
        window_ends_at = CASE
          WHEN r.window_ends_at <= now() THEN excluded.window_ends_at
          WHEN r.hits = ${limit} THEN greatest(
            r.window_ends_at,
            now() + make_interval(secs => ${blockMs / 1000}::double precision))
          ELSE r.window_ends_at
        END
      RETURNING hits, ceil(extract(epoch FROM window_ends_at - now()) * 1000)::int AS "msLeft"`.execute(
      this.db,
    );
    return rows[0];
  }

  /** Deletes at most `limit` rows whose window has ended, in one short statement. */
  async deleteEndedBatch(limit: number): Promise<number> {
    const result = await sql`
      DELETE FROM rate_limit_hits
       WHERE key IN (
         SELECT key FROM rate_limit_hits
          WHERE window_ends_at < now()
          LIMIT ${limit}
            FOR UPDATE SKIP LOCKED)
         AND window_ends_at < now()`.execute(this.db);
    return Number(result.numAffectedRows ?? 0n);
  }
}
