import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { sql } from 'kysely';
import type { IdempotencyKey, KyselyTransactionalAdapter } from '../database/database';

export interface KeyScope {
  principal: string;
  method: string;
  path: string;
  key: string;
}

@Injectable()
export class IdempotencyRepository {
  constructor(private readonly txHost: TransactionHost<KyselyTransactionalAdapter>) {}

  private get db() {
    return this.txHost.tx;
  }

  /**
   * Claims the key for a first request: true if this call inserted it, or took over a record
   * that expired (a key may be reused after its retention period) or the same request's claim
   * that was abandoned (still unanswered after `abandonedAfterMs`: its process died, or could not
   * release it while the database was gone). Every POST with a key starts here: one statement.
   */
  async reserve(
    scope: KeyScope,
    fingerprint: string,
    expiresAt: Date,
    abandonedAfterMs: number,
  ): Promise<boolean> {
    const result = await this.db
      .insertInto('idempotencyKeys')
      .values({ ...scope, fingerprint, expiresAt })
      .onConflict((conflict) =>
        conflict
          .columns(['principal', 'method', 'path', 'key'])
          .doUpdateSet((eb) => ({
            fingerprint: eb.ref('excluded.fingerprint'),
            responseStatus: null,
            responseBody: null,
            responseLanguage: null,
            createdAt: sql<Date>`DEFAULT`,
            expiresAt: eb.ref('excluded.expiresAt'),
          }))
          .where((eb) =>
            eb.or([
              eb('idempotencyKeys.expiresAt', '<', new Date()),
              eb.and([
                eb('idempotencyKeys.responseStatus', 'is', null),
                eb('idempotencyKeys.fingerprint', '=', eb.ref('excluded.fingerprint')),
                eb(
                  'idempotencyKeys.createdAt',
                  '<',
                  sql<Date>`now() - make_interval(secs => ${abandonedAfterMs / 1000})`,
                ),
              ]),
            ]),
          ),
      )
      .executeTakeFirst();
    return result.numInsertedOrUpdatedRows === 1n;
  }

  find(scope: KeyScope): Promise<IdempotencyKey | undefined> {
    return this.db
      .selectFrom('idempotencyKeys')
      .selectAll()
      .where((eb) => eb.and({ ...scope }))
      .executeTakeFirst();
  }

  /**
   * Records the answer (and the language of a problem's texts); inside the change's unit of
   * work, it commits with the change.
   */
  async complete(
    scope: KeyScope,
    status: number,
    body: unknown,
    language: string | null = null,
  ): Promise<void> {
    await this.db
      .updateTable('idempotencyKeys')
      .set({
        responseStatus: status,
        responseBody: sql`${JSON.stringify(body)}::jsonb`,
        responseLanguage: language,
      })
      .where((eb) => eb.and({ ...scope }))
      .execute();
  }

  /** Forgets a key whose request failed for a reason a retry may not meet (5xx). */
  async release(scope: KeyScope): Promise<void> {
    await this.db
      .deleteFrom('idempotencyKeys')
      .where((eb) => eb.and({ ...scope }))
      .execute();
  }

  /**
   * Deletes at most `limit` expired keys, in one short statement: the hourly purge loops over
   * it, so no statement holds many row locks or runs long. Keys another transaction has locked
   * (one being taken over right now) are skipped.
   */
  async deleteExpiredBatch(limit: number): Promise<number> {
    const result = await sql`
      DELETE FROM idempotency_keys
       WHERE (principal, method, path, key) IN (
         SELECT principal, method, path, key FROM idempotency_keys
          WHERE expires_at < now()
          LIMIT ${limit}
            FOR UPDATE SKIP LOCKED)`.execute(this.db);
    return Number(result.numAffectedRows ?? 0n);
  }
}
