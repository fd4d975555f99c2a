import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { sql } from 'kysely';
import type { NewestFirstKey } from '../common/pagination';
import type { KyselyTransactionalAdapter } from '../database/database';
import { RefundStatus } from '../generated/kysely/enums';

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

/** What agents' search looks for in payments: any of these matches. */
export interface PaymentSearch {
  /** The payment with this id, or those whose id starts with `idPrefix`. */
  id?: string;
  idPrefix?: string;
  /** Payments whose description contains every one of these words (any case). */
  descriptionWords?: string[];
}

@Injectable()
export class TransactionsRepository {
  constructor(private readonly txHost: TransactionHost<KyselyTransactionalAdapter>) {}

  /**
   * `INSERT … ON CONFLICT DO NOTHING`: true when this call created the row. A concurrent insert of
   * the same id waits for the other to commit, so afterwards the row exists either way.
   */
  async insertIfAbsent(transaction: NewTransaction): Promise<boolean> {
    const result = await this.txHost.tx
      .insertInto('transactions')
      .values(transaction)
      .onConflict((conflict) => conflict.column('id').doNothing())
      .executeTakeFirst();
    return result.numInsertedOrUpdatedRows === 1n;
  }

  async findById(id: string): Promise<TransactionRow | undefined> {
    return this.select().where('t.id', '=', id).executeTakeFirst();
  }

  /** Newest first, `(created_at, id)` descending, starting after `after`. */
  listNewestFirst(
    filter: TransactionFilter,
    after: NewestFirstKey | undefined,
    take: number,
  ): Promise<TransactionRow[]> {
    let query = this.select();
    if (filter.customerId !== undefined)
      query = query.where('t.customerId', '=', filter.customerId);
    if (filter.merchantId !== undefined)
      query = query.where('t.merchantId', '=', filter.merchantId);
    if (after) {
      query = query.where((eb) =>
        eb(eb.refTuple('t.createdAt', 't.id'), '<', eb.tuple(after.createdAt, after.id)),
      );
    }
    return query.orderBy('t.createdAt', 'desc').orderBy('t.id', 'desc').limit(take).execute();
  }

  /** Agents' search: the payments matching any of `search`, newest first. */
  search(search: PaymentSearch, take: number): Promise<TransactionRow[]> {
    return this.select()
      .where((eb) => {
        const any = [];
        if (search.id !== undefined) any.push(eb('t.id', '=', search.id));
        if (search.idPrefix !== undefined) {
          any.push(sql<boolean>`starts_with(${sql.ref('t.id')}, ${search.idPrefix})`);
        }
        if (search.descriptionWords?.length) {
          any.push(
            eb.and(
              search.descriptionWords.map(
                (word) =>
                  sql<boolean>`${sql.ref('t.description')} ILIKE ${`%${escapeLike(word)}%`} ESCAPE '\\'`,
              ),
            ),
          );
        }
        return any.length ? eb.or(any) : sql<boolean>`false`;
      })
      .orderBy('t.createdAt', 'desc')
      .orderBy('t.id', 'desc')
      .limit(take)
      .execute();
  }

  // One statement: what is refundable is the payment's own `heldAmount`; what was refunded comes
  // from a lateral aggregate per payment, not a query per row.
  private select() {
    return this.txHost.tx
      .selectFrom('transactions as t')
      .innerJoinLateral(
        (eb) =>
          eb
            .selectFrom('refunds as f')
            .select(sql<bigint>`coalesce(sum(${sql.ref('f.amount')}), 0)::bigint`.as('refunded'))
            .whereRef('f.transactionId', '=', 't.id')
            .where('f.status', '=', RefundStatus.REFUNDED)
            .as('r'),
        (join) => join.onTrue(),
      )
      .select((eb) => [
        't.id',
        't.customerId',
        't.merchantId',
        't.amount',
        't.currency',
        't.paidAt',
        't.description',
        't.createdAt',
        'r.refunded as refundedAmount',
        eb(eb.ref('t.amount'), '-', eb.ref('t.heldAmount'))
          .$castTo<bigint>()
          .as('refundableAmount'),
      ]);
  }
}

/** `value` matched literally inside a LIKE pattern (escape character: backslash). */
function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}
