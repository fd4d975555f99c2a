import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { sql } from 'kysely';
import { OPEN_CASE_STATUSES } from '../cases/case-sla';
import type { KyselyTransactionalAdapter } from '../database/database';

/** What the business gauges show, read in one go. */
export interface BusinessFigures {
  refundsByStatus: { status: string; count: number }[];
  openCasesByPriority: { priority: string; count: number }[];
  breachedCases: number;
  pendingDeliveries: number;
  /** Age of the oldest PENDING delivery; 0 without one. */
  oldestPendingSeconds: number;
  jobSuccesses: { name: string; at: Date }[];
}

/**
 * The business gauges' queries. Each is answered from an index: refunds by status from
 * (status, review_due_at), open cases from the open queue's partial index, pending deliveries
 * from (status, next_attempt_at). MetricsService caches the answer, so a scrape never scans.
 */
@Injectable()
export class MetricsRepository {
  constructor(private readonly txHost: TransactionHost<KyselyTransactionalAdapter>) {}

  async figures(): Promise<BusinessFigures> {
    const db = this.txHost.tx;
    // Literal values, not parameters: the planner then uses the open queue's partial index.
    const open = sql<boolean>`status IN (${sql.join(OPEN_CASE_STATUSES.map((s) => sql.lit(s)))})`;
    const [refunds, cases, breached, deliveries, jobs] = await Promise.all([
      db
        .selectFrom('refunds')
        .select((eb) => ['status', eb.fn.countAll<string>().as('count')])
        .groupBy('status')
        .execute(),
      db
        .selectFrom('supportCases')
        .select((eb) => ['priority', eb.fn.countAll<string>().as('count')])
        .where(open)
        .groupBy('priority')
        .execute(),
      // As GET /v1/cases?breached=true counts it, among open cases.
      db
        .selectFrom('supportCases')
        .select((eb) => eb.fn.countAll<string>().as('count'))
        .where(open)
        .where(
          sql<boolean>`(coalesce(first_responded_at, sla_paused_since, now()) > first_response_due_at
            OR coalesce(sla_paused_since, now()) > resolution_due_at)`,
        )
        .executeTakeFirstOrThrow(),
      db
        .selectFrom('webhookDeliveries')
        .select((eb) => [
          eb.fn.countAll<string>().as('count'),
          sql<number>`coalesce(extract(epoch FROM now() - min(created_at)), 0)::float8`.as(
            'oldestSeconds',
          ),
        ])
        .where('status', '=', 'PENDING')
        .executeTakeFirstOrThrow(),
      db
        .selectFrom('scheduledJobs')
        .select(['name', 'lastSucceededAt'])
        .where('lastSucceededAt', 'is not', null)
        .execute(),
    ]);
    return {
      refundsByStatus: refunds.map((row) => ({ status: row.status, count: Number(row.count) })),
      openCasesByPriority: cases.map((row) => ({
        priority: row.priority,
        count: Number(row.count),
      })),
      breachedCases: Number(breached.count),
      pendingDeliveries: Number(deliveries.count),
      oldestPendingSeconds: Number(deliveries.oldestSeconds),
      jobSuccesses: jobs.map((row) => ({ name: row.name, at: row.lastSucceededAt as Date })),
    };
  }
}
