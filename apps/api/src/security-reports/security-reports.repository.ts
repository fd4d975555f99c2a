import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { sql } from 'kysely';
import type { NewestFirstKey } from '../common/pagination';
import type { KyselyTransactionalAdapter, SecurityReport } from '../database/database';
import { SecurityReportStatus } from '../generated/kysely/enums';

export interface NewSecurityReport {
  customerId: string;
  description: string;
  channel: string;
  transactionIds: string[];
  reportedByRole: string;
  reportedById: string;
}

/** Security reports: one OPEN per customer at most (a partial unique index). */
@Injectable()
export class SecurityReportsRepository {
  constructor(private readonly txHost: TransactionHost<KyselyTransactionalAdapter>) {}

  private get db() {
    return this.txHost.tx;
  }

  findById(id: string): Promise<SecurityReport | undefined> {
    return this.db
      .selectFrom('securityReports')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
  }

  /** The report, locked until the unit of work ends. */
  lock(id: string): Promise<SecurityReport | undefined> {
    return this.db
      .selectFrom('securityReports')
      .selectAll()
      .where('id', '=', id)
      .forUpdate()
      .executeTakeFirst();
  }

  /** The customer's OPEN report, if any. */
  findOpenOf(customerId: string): Promise<SecurityReport | undefined> {
    return this.db
      .selectFrom('securityReports')
      .selectAll()
      .where('customerId', '=', customerId)
      .where('status', '=', SecurityReportStatus.OPEN)
      .executeTakeFirst();
  }

  /** The customer's OPEN report, locked. */
  lockOpenOf(customerId: string): Promise<SecurityReport | undefined> {
    return this.db
      .selectFrom('securityReports')
      .selectAll()
      .where('customerId', '=', customerId)
      .where('status', '=', SecurityReportStatus.OPEN)
      .forUpdate()
      .executeTakeFirst();
  }

  /**
   * A new OPEN report; `undefined` when the customer has one already (the one-open index: the
   * caller's lock makes that a report filed outside it).
   */
  async insert(report: NewSecurityReport): Promise<SecurityReport | undefined> {
    try {
      return await this.db
        .insertInto('securityReports')
        .values({
          id: randomUUID(),
          ...report,
          holdPlacedAt: sql<Date>`now()`,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
    } catch (error) {
      const constraint = (error as { constraint?: string }).constraint;
      if (constraint === 'security_reports_one_open_per_customer') return undefined;
      throw error;
    }
  }

  setCase(id: string, caseId: string): Promise<SecurityReport> {
    return this.db
      .updateTable('securityReports')
      .set({ caseId })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  /** Appends payments to the report's list (a joining report's new ones). */
  addTransactions(id: string, transactionIds: string[]): Promise<SecurityReport> {
    return this.db
      .updateTable('securityReports')
      .set({
        transactionIds: sql<string[]>`transaction_ids || ${transactionIds}::text[]`,
        updatedAt: sql<Date>`now()`,
      })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  /** RESOLVED, the hold released, if it was OPEN; nothing comes back otherwise. */
  resolve(id: string, agentId: string, note: string): Promise<SecurityReport | undefined> {
    return this.db
      .updateTable('securityReports')
      .set({
        status: SecurityReportStatus.RESOLVED,
        holdReleasedAt: sql<Date>`now()`,
        releasedById: agentId,
        releaseNote: note,
        updatedAt: sql<Date>`now()`,
      })
      .where('id', '=', id)
      .where('status', '=', SecurityReportStatus.OPEN)
      .returningAll()
      .executeTakeFirst();
  }

  /** Newest first, keyset-paginated on (createdAt, id). */
  list(
    filter: { customerId?: string },
    limit: number,
    after?: NewestFirstKey,
  ): Promise<SecurityReport[]> {
    let query = this.db.selectFrom('securityReports').selectAll();
    if (filter.customerId !== undefined) query = query.where('customerId', '=', filter.customerId);
    if (after) {
      query = query.where((eb) =>
        eb(eb.refTuple('createdAt', 'id'), '<', eb.tuple(after.createdAt, after.id)),
      );
    }
    return query.orderBy('createdAt', 'desc').orderBy('id', 'desc').limit(limit).execute();
  }
}
