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
   * Claims the key for a first request: true if this call inserted it, or took over the same
   * request's claim that was abandoned (`created_at` older than `abandonedAfterMs`: its process
   * died, or could not release it while the database was gone). An expired record is removed
   * first, so a key may be reused after its retention period.
   */
  async reserve(
    scope: KeyScope,
    fingerprint: string,
    expiresAt: Date,
    abandonedAfterMs: number,
  ): Promise<boolean> {
    await this.prisma.idempotencyKey.deleteMany({
      where: { ...scope, expiresAt: { lt: new Date() } },
    });
    const claimed = await this.prisma.$executeRaw`
      INSERT INTO idempotency_keys (principal, method, path, key, fingerprint, expires_at)
      VALUES (${scope.principal}, ${scope.method}, ${scope.path}, ${scope.key}, ${fingerprint}, ${expiresAt})
      ON CONFLICT (principal, method, path, key) DO UPDATE
         SET created_at = now(), expires_at = EXCLUDED.expires_at
       WHERE idempotency_keys.response_status IS NULL
         AND idempotency_keys.fingerprint = EXCLUDED.fingerprint
         AND idempotency_keys.created_at < now() - make_interval(secs => ${abandonedAfterMs / 1000})`;
    return claimed === 1;
  }

  find(scope: KeyScope): Promise<IdempotencyKey | null> {
    return this.prisma.idempotencyKey.findUnique({ where: { principal_method_path_key: scope } });
  }

  async complete(scope: KeyScope, status: number, body: Prisma.InputJsonValue): Promise<void> {
    await this.prisma.idempotencyKey.update({
      where: { principal_method_path_key: scope },
      data: { responseStatus: status, responseBody: body },
    });
  }

  /** `complete`, inside the caller's transaction: the answer commits with the change. */
  async completeWithin(
    tx: Prisma.TransactionClient,
    scope: KeyScope,
    status: number,
    body: Prisma.InputJsonValue,
  ): Promise<void> {
    await tx.idempotencyKey.update({
      where: { principal_method_path_key: scope },
      data: { responseStatus: status, responseBody: body },
    });
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
