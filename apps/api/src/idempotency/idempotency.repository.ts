import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { sql } from 'kysely';
import type { Database, IdempotencyKey, KyselyTransactionalAdapter } from '../database/database';
import { atEnd, type FinalWrite } from '../database/unit-of-work';

/** The error of a final statement that found the key answered by another request first. */
export function isKeyTaken(error: unknown): boolean {
  const { code, constraint } = error as { code?: string; constraint?: string };
  return code === '23505' && constraint === 'idempotency_keys_pkey';
}

export interface KeyScope {
  principal: string;
  method: string;
  path: string;
  key: string;
}

/** A key's answer as written: `body` as JSON text; `language` that of a problem's texts. */
interface Answer extends KeyScope {
  fingerprint: string;
  expiresAt: Date;
  status: number;
  body: string;
  language: string | null;
  now: Date;
}

function answerOf(
  scope: KeyScope,
  fingerprint: string,
  expiresAt: Date,
  status: number,
  body: unknown,
  language: string | null,
): Answer {
  return {
    ...scope,
    fingerprint,
    expiresAt,
    status,
    body: JSON.stringify(body ?? null),
    language,
    now: new Date(),
  };
}

/**
 * Inserts the key's answer, or takes over a key whose record expired (a key may be reused after
 * its retention period) or never got an answer (a claim of the version that reserved keys
 * before running). Uses each value only as a value: the final write compiles it once.
 */
function recording(db: Database, answer: Answer) {
  return db
    .insertInto('idempotencyKeys')
    .values({
      principal: answer.principal,
      method: answer.method,
      path: answer.path,
      key: answer.key,
      fingerprint: answer.fingerprint,
      expiresAt: answer.expiresAt,
      responseStatus: answer.status,
      responseBody: sql`${answer.body}::jsonb`,
      responseLanguage: answer.language,
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
        .where((eb) =>
          eb.or([
            eb('idempotencyKeys.expiresAt', '<', answer.now),
            eb('idempotencyKeys.responseStatus', 'is', null),
          ]),
        ),
    );
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
    const result = await recording(
      this.db,
      answerOf(scope, fingerprint, expiresAt, status, body, language),
    ).executeTakeFirst();
    return result.numInsertedOrUpdatedRows === 1n;
  }

  /**
   * `record` as the last write of the current unit of work, in the statement that ends it
   * (`atEnd`). When another request recorded an answer first, the statement fails with a
   * unique violation of the key (`isKeyTaken`), which rolls the change back: it inserts the key
   * a second time, as the check that decides it must be SQL's (the unit of work's COMMIT is sent
   * with the statement). An insert that meets another transaction's uncommitted record of the
   * key waits for that transaction to end.
   */
  recordAtEnd(
    scope: KeyScope,
    fingerprint: string,
    expiresAt: Date,
    status: number,
    body: unknown,
    language: string | null = null,
  ): Promise<void> {
    const answer = answerOf(scope, fingerprint, expiresAt, status, body, language);
    return atEnd(
      this.db,
      'idempotency',
      (): FinalWrite<Answer> => ({
        values: () => answer,
        build: (values) => [
          {
            name: 'idempotency_answer',
            statement: sql`${recording(this.db, values).returning(sql<number>`1`.as('recorded'))}`,
          },
          {
            // Not recorded above: the key holds another answer, and inserting it again fails.
            name: 'idempotency_taken',
            statement: sql`
              INSERT INTO idempotency_keys (principal, method, path, key, fingerprint, expires_at)
              SELECT ${values.principal}::text, ${values.method}::text, ${values.path}::text,
                     ${values.key}::text, ${values.fingerprint}::text, ${values.expiresAt}::timestamptz
               WHERE NOT EXISTS (SELECT FROM idempotency_answer)`,
          },
        ],
      }),
      () => undefined,
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
