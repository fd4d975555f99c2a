import type { Prisma } from '../generated/prisma/client';

/**
 * Locks a refund's row until the transaction ends. Everything that changes a refund or what
 * hangs off it (timeline, cases, attachments) takes this lock first, so they apply one after the
 * other and always in the same order.
 */
export async function lockRefund(tx: Prisma.TransactionClient, refundId: string): Promise<void> {
  await tx.$queryRaw`SELECT id FROM refunds WHERE id = ${refundId}::uuid FOR UPDATE`;
}
