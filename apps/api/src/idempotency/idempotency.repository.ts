import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { sql } from 'kysely';
import type { IdempotencyKey, KyselyTransactionalAdapter } from '../database/database';
import { atEnd } from '../database/unit-of-work';

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
   * Records the answer to the first request with this key, at once: true if this call inserted
   * it, or took over a record that expired (a key may be reused after its retention period) or
   * never got an answer (a claim left by the version that reserved keys before running). False
   * when another request recorded one first.
   */
  async record(
    scope: KeyScope,
    fingerprint: string,
    expiresAt: Date,
    status: number,
    body: unknown,
    language: string | null = null,
  ): Promise<boolean> {
    const result = await this.recording(
      scope,
      fingerprint,
      expiresAt,
      status,
      body,
      language,
    ).executeTakeFirst();
    return result.numInsertedOrUpdatedRows === 1n;
  }

  /**
   * `record` as the last write of the current unit of work, in the statement that ends it
   * (`atEnd`): `taken` is called, and throws to roll the change back, when another request
   * recorded an answer first. An insert that meets another transaction's uncommitted record of
   * the key waits for that transaction to end.
   */
  recordAtEnd(
    scope: KeyScope,
    fingerprint: string,
    expiresAt: Date,
    status: number,
    body: unknown,
    taken: () => never,
    language: string | null = null,
  ): Promise<void> {
    const statement = sql`${this.recording(scope, fingerprint, expiresAt, status, body, language).returning(sql<number>`1`.as('recorded'))}`;
    return atEnd(
      this.db,
      'idempotency',
      () => ({
        build: () => [{ name: 'idempotency_answer', statement }],
        check: (rows) => {
          if (rows === 0) taken();
        },
      }),
      () => undefined,
    );
  }

  /** `language`: the language of a problem's texts, which a replay answers in too. */
  private recording(
    scope: KeyScope,
    fingerprint: string,
    expiresAt: Date,
    status: number,
    body: unknown,
    language: string | null = null,
  ) {
    return this.db
      .insertInto('idempotencyKeys')
      .values({
        ...scope,
        fingerprint,
        expiresAt,
        responseStatus: status,
        responseBody: sql`${JSON.stringify(body)}::jsonb`,
        responseLanguage: language,
      })
      .onConflict((conflict) =>
        conflict
          .columns(['principal', 'method', 'path', 'key'])
          .doUpdateSet((eb) => ({
            fingerprint: eb.ref('excluded.fingerprint'),
            responseStatus: eb.ref('excluded.responseStatus'),
            responseBody: eb.ref('excluded.responseBody'),
            responseLanguage: eb.ref('excluded.responseLanguage'),
            createdAt: sql<Date>`DEFAULT`,
            expiresAt: eb.ref('excluded.expiresAt'),
          }))
          // A key without an answer is a claim of the version that reserved keys first.
          .where((eb) =>
            eb.or([
              eb('idempotencyKeys.expiresAt', '<', new Date()),
              eb('idempotencyKeys.responseStatus', 'is', null),
            ]),
          ),
      );
  }

  find(scope: KeyScope): Promise<IdempotencyKey | undefined> {
    return this.db
      .selectFrom('idempotencyKeys')
      .selectAll()
      .where((eb) => eb.and({ ...scope }))
      .executeTakeFirst();
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
