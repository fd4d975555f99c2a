import { Prisma } from '../generated/prisma/client';

/**
 * Locks a refund's row until the transaction ends. Everything that changes a refund or what
 * hangs off it (timeline, cases, attachments) takes this lock first, so they apply one after the
 * other and always in the same order.
 */
export async function lockRefund(tx: Prisma.TransactionClient, refundId: string): Promise<void> {
  await tx.$queryRaw`SELECT id FROM refunds WHERE id = ${refundId}::uuid FOR UPDATE`;
}

/** The append-only logs numbered per owner row, with the column naming the owner. */
const SEQUENCED = { refund_events: 'refund_id', case_history: 'case_id' } as const;

/**
 * The next sequence number of an owner's entries in an append-only log. The caller holds the
 * owner's row lock (the refund's, the case's), so two writers never take the same number.
 */
export async function nextSequence(
  tx: Prisma.TransactionClient,
  table: keyof typeof SEQUENCED,
  ownerId: string,
): Promise<number> {
  const [{ next }] = await tx.$queryRaw<{ next: number }[]>`
    SELECT (coalesce(max(sequence), 0) + 1)::int AS next FROM ${Prisma.raw(table)}
     WHERE ${Prisma.raw(SEQUENCED[table])} = ${ownerId}::uuid`;
  return next;
}
