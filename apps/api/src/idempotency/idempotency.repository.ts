import { Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service';
import { AnyTx, execute } from '../database/transaction';
import type { IdempotencyKey, Prisma } from '../generated/prisma/client';

export interface KeyScope {
  principal: string;
  method: string;
  path: string;
  key: string;
}

@Injectable()
export class IdempotencyRepository {
  constructor(private readonly prisma: PrismaService) {}

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
    const { rowCount } = await this.prisma.pool.query(
      `INSERT INTO idempotency_keys (principal, method, path, key, fingerprint, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (principal, method, path, key) DO UPDATE
          SET fingerprint = excluded.fingerprint, response_status = NULL, response_body = NULL,
              created_at = DEFAULT, expires_at = excluded.expires_at
        WHERE idempotency_keys.expires_at < $7
           OR (idempotency_keys.response_status IS NULL
               AND idempotency_keys.fingerprint = excluded.fingerprint
               AND idempotency_keys.created_at < now() - make_interval(secs => $8))`,
      [
        scope.principal,
        scope.method,
        scope.path,
        scope.key,
        fingerprint,
        expiresAt,
        new Date(),
        abandonedAfterMs / 1000,
      ],
    );
    return rowCount === 1;
  }

  find(scope: KeyScope): Promise<IdempotencyKey | null> {
    return this.prisma.idempotencyKey.findUnique({ where: { principal_method_path_key: scope } });
  }

  /** Records the answer; given the change's transaction, it commits with the change. */
  async complete(
    scope: KeyScope,
    status: number,
    body: Prisma.InputJsonValue,
    tx?: AnyTx,
  ): Promise<void> {
    const values = [scope.principal, scope.method, scope.path, scope.key, status, body];
    const sql = `UPDATE idempotency_keys SET response_status = $5, response_body = $6::jsonb
                  WHERE principal = $1 AND method = $2 AND path = $3 AND key = $4`;
    await (tx ? execute(tx, sql, values) : this.prisma.pool.query(sql, values));
  }

  /** Forgets a key whose request failed for a reason a retry may not meet (5xx). */
  async release(scope: KeyScope): Promise<void> {
    await this.prisma.idempotencyKey.deleteMany({ where: scope });
  }

  async deleteExpired(): Promise<number> {
    const { count } = await this.prisma.idempotencyKey.deleteMany({
      where: { expiresAt: { lt: new Date() } },
    });
    return count;
  }
}
