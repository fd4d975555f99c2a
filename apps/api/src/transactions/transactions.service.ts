import { Injectable } from '@nestjs/common';
import type { Principal } from '../common/principal';
import { canSee, visibleTo } from '../common/access';
import { newestFirstCursor, Page, toPage } from '../common/pagination';
import { AppError, FieldError, notFound } from '../errors/app-error';
import { ListTransactionsQueryDto } from './dto/list-transactions-query.dto';
import { RegisterTransactionDto, TRANSACTION_ID } from './dto/register-transaction.dto';
import { mapTransaction, TransactionDto } from './dto/transaction.dto';
import {
  NewTransaction,
  PaymentSearch,
  TransactionFilter,
  TransactionRow,
  TransactionsRepository,
} from './transactions.repository';

const cursors = newestFirstCursor(TRANSACTION_ID);

@Injectable()
export class TransactionsService {
  constructor(private readonly repository: TransactionsRepository) {}

  /**
   * Registers a payment from the ledger, idempotently on its id: `created` is false when the same
   * payment was registered before; the same id with other details is a 409.
   */
  async register(
    dto: RegisterTransactionDto,
  ): Promise<{ created: boolean; transaction: TransactionDto }> {
    const payment: NewTransaction = {
      id: dto.id,
      customerId: dto.customerId,
      merchantId: dto.merchantId,
      amount: BigInt(dto.amount),
      currency: dto.currency,
      paidAt: new Date(dto.paidAt),
      description: dto.description ?? null,
    };
    const created = await this.repository.insertIfAbsent(payment);
    const stored = await this.repository.findById(payment.id);
    if (!stored) throw new Error(`transaction ${payment.id} vanished after its insert`);
    if (!created) {
      const differences = differingFields(stored, payment);
      if (differences.length > 0) {
        throw new AppError(
          'CONFLICT',
          `Payment ${payment.id} is already registered with other details.`,
          differences,
        );
      }
    }
    return { created, transaction: mapTransaction(stored) };
  }

  async get(principal: Principal, id: string): Promise<TransactionDto> {
    // An id the ledger could not have given names no payment: no need to ask the database.
    const row = TRANSACTION_ID.test(id) ? await this.repository.findById(id) : undefined;
    if (!row || !canSee(principal, row)) throw notFound('Transaction');
    return mapTransaction(row);
  }

  /** Agents' search: payments by id, id prefix or the words of their description, newest first. */
  async search(search: PaymentSearch, limit: number): Promise<TransactionDto[]> {
    return (await this.repository.search(search, limit)).map(mapTransaction);
  }

  /** A customer's or a merchant's payments, newest first. */
  async listOf(owner: TransactionFilter, limit: number): Promise<TransactionDto[]> {
    return (await this.repository.listNewestFirst(owner, undefined, limit)).map(mapTransaction);
  }

  async list(principal: Principal, query: ListTransactionsQueryDto): Promise<Page<TransactionDto>> {
    const after = query.cursor === undefined ? undefined : cursors.decode(query.cursor);
    const filter = narrow(visibleTo(principal), query);
    if (!filter) return { data: [], nextCursor: null };
    const rows = await this.repository.listNewestFirst(filter, after, query.limit + 1);
    return toPage(rows, query.limit, cursors.encode, mapTransaction);
  }
}

/** The caller's scope narrowed by the query's filters; undefined when nothing can match. */
function narrow(scope: TransactionFilter, query: TransactionFilter): TransactionFilter | undefined {
  const filter: TransactionFilter = { ...scope };
  for (const key of ['customerId', 'merchantId'] as const) {
    const wanted = query[key];
    if (wanted === undefined) continue;
    if (scope[key] !== undefined && scope[key] !== wanted) return undefined;
    filter[key] = wanted;
  }
  return filter;
}

function differingFields(stored: TransactionRow, given: NewTransaction): FieldError[] {
  const same = {
    customerId: stored.customerId === given.customerId,
    merchantId: stored.merchantId === given.merchantId,
    amount: stored.amount === given.amount,
    currency: stored.currency === given.currency,
    paidAt: stored.paidAt.getTime() === given.paidAt.getTime(),
    description: stored.description === given.description,
  };
  return Object.entries(same)
    .filter(([, equal]) => !equal)
    .map(([field]) => ({ field, message: `${field} differs from the registered payment` }));
}
