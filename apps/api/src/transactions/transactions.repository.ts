import { Injectable } from '@nestjs/common';
import type { NewestFirstKey } from '../common/pagination';
import { PrismaService } from '../database/prisma.service';
import { Prisma } from '../generated/prisma/client';
import { RefundStatus } from '../generated/prisma/enums';
import { RELEASED_STATUSES } from '../refunds/refund-transitions';

export interface NewTransaction {
  id: string;
  customerId: string;
  merchantId: string;
  amount: bigint;
  currency: string;
  paidAt: Date;
  description: string | null;
}

/** A payment with the sums of its refunds. */
export interface TransactionRow extends NewTransaction {
  refundedAmount: bigint;
  refundableAmount: bigint;
  createdAt: Date;
}

export interface TransactionFilter {
  customerId?: string;
  merchantId?: string;
}

@Injectable()
export class TransactionsRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * `INSERT … ON CONFLICT DO NOTHING`: true when this call created the row. A concurrent insert of
   * the same id waits for the other to commit, so afterwards the row exists either way.
   */
  async insertIfAbsent(transaction: NewTransaction): Promise<boolean> {
    const { count } = await this.prisma.transaction.createMany({
      data: [transaction],
      skipDuplicates: true,
    });
    return count === 1;
  }

  async findById(id: string): Promise<TransactionRow | undefined> {
    const [row] = await this.select(Prisma.sql`t.id = ${id}`, 1);
    return row;
  }

  /** Newest first, `(created_at, id)` descending, starting after `after`. */
  listNewestFirst(
    filter: TransactionFilter,
    after: NewestFirstKey | undefined,
    take: number,
  ): Promise<TransactionRow[]> {
    const conditions: Prisma.Sql[] = [];
    if (filter.customerId !== undefined) {
      conditions.push(Prisma.sql`t.customer_id = ${filter.customerId}`);
    }
    if (filter.merchantId !== undefined) {
      conditions.push(Prisma.sql`t.merchant_id = ${filter.merchantId}`);
    }
    if (after) {
      conditions.push(Prisma.sql`(t.created_at, t.id) < (${after.createdAt}, ${after.id})`);
    }
    return this.select(
      conditions.length > 0 ? Prisma.join(conditions, ' AND ') : Prisma.sql`true`,
      take,
    );
  }

  // One statement: the refund sums come from a lateral aggregate per payment, not a query per row.
  private select(where: Prisma.Sql, take: number): Promise<TransactionRow[]> {
    return this.prisma.$queryRaw<TransactionRow[]>`
      SELECT t.id, t.customer_id AS "customerId", t.merchant_id AS "merchantId", t.amount,
             t.currency, t.paid_at AS "paidAt", t.description, t.created_at AS "createdAt",
             coalesce(r.refunded, 0)::bigint AS "refundedAmount",
             (t.amount - coalesce(r.held, 0))::bigint AS "refundableAmount"
      FROM transactions t
      LEFT JOIN LATERAL (
        SELECT sum(f.amount) FILTER (WHERE f.status = ${RefundStatus.REFUNDED}::refund_status)
                 AS refunded,
               sum(f.amount) FILTER (WHERE f.status <> ALL(${RELEASED_STATUSES}::refund_status[]))
                 AS held
        FROM refunds f
        WHERE f.transaction_id = t.id
      ) r ON true
      WHERE ${where}
      ORDER BY t.created_at DESC, t.id DESC
      LIMIT ${take}`;
  }
}
