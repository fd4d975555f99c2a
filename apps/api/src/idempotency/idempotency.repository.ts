import { Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service';
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
   * Claims the key for a first request: true if this call inserted it. An expired record is
   * replaced, so a key may be reused after its retention period. Every POST with a key starts
   * here: one statement through the pool.
   */
  async reserve(scope: KeyScope, fingerprint: string, expiresAt: Date): Promise<boolean> {
    const { rowCount } = await this.prisma.pool.query(
      `INSERT INTO idempotency_keys (principal, method, path, key, fingerprint, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (principal, method, path, key) DO UPDATE
          SET fingerprint = excluded.fingerprint, response_status = NULL, response_body = NULL,
              created_at = DEFAULT, expires_at = excluded.expires_at
        WHERE idempotency_keys.expires_at < $7`,
      [scope.principal, scope.method, scope.path, scope.key, fingerprint, expiresAt, new Date()],
    );
    return rowCount === 1;
  }

  find(scope: KeyScope): Promise<IdempotencyKey | null> {
    return this.prisma.idempotencyKey.findUnique({ where: { principal_method_path_key: scope } });
  }

  async complete(scope: KeyScope, status: number, body: Prisma.InputJsonValue): Promise<void> {
    await this.prisma.pool.query(
      `UPDATE idempotency_keys SET response_status = $5, response_body = $6::jsonb
        WHERE principal = $1 AND method = $2 AND path = $3 AND key = $4`,
      [scope.principal, scope.method, scope.path, scope.key, status, JSON.stringify(body)],
    );
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
