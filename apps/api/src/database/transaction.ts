import type { PoolClient, QueryResultRow } from 'pg';
import type { Prisma } from '../generated/prisma/client';

/**
 * A transaction of either kind: Prisma's interactive one, or a `pg` client inside
 * `PrismaService.poolTransaction` (the hot paths).
 */
export type AnyTx = Prisma.TransactionClient | PoolClient;

/** Runs one parameterised query (`$1`, `$2`, …) in `tx`, whichever kind it is: its rows. */
export function query<T>(tx: AnyTx, sql: string, values: unknown[]): Promise<T[]> {
  return '$queryRawUnsafe' in tx
    ? tx.$queryRawUnsafe<T[]>(sql, ...values)
    : tx.query<T & QueryResultRow>(sql, values).then((result) => result.rows);
}

/** Runs one parameterised statement in `tx`, whichever kind it is. */
export async function execute(tx: AnyTx, sql: string, values: unknown[]): Promise<void> {
  await ('$executeRawUnsafe' in tx ? tx.$executeRawUnsafe(sql, ...values) : tx.query(sql, values));
}
