import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { sql } from 'kysely';
import type { KyselyTransactionalAdapter } from '../database/database';

@Injectable()
export class JobsRepository {
  constructor(private readonly txHost: TransactionHost<KyselyTransactionalAdapter>) {}

  /**
   * Claims the job's next run if it is due: one conditional upsert, so among several instances
   * exactly one wins each interval (a concurrent first insert waits for the other's commit, then
   * finds the run taken), and the schedule survives restarts.
   */
  async claimDueRun(name: string, intervalSeconds: number): Promise<boolean> {
    const next = sql<Date>`now() + make_interval(secs => ${intervalSeconds}::double precision)`;
    const result = await this.txHost.tx
      .insertInto('scheduledJobs')
      .values({ name, nextRunAt: next, lastRunAt: sql<Date>`now()` })
      .onConflict((conflict) =>
        conflict
          .column('name')
          .doUpdateSet({ nextRunAt: next, lastRunAt: sql<Date>`now()` })
          .where('scheduledJobs.nextRunAt', '<=', sql<Date>`now()`),
      )
      .executeTakeFirst();
    return result.numInsertedOrUpdatedRows === 1n;
  }

  /**
   * Records that a run of the job finished without an error (a run claimed but failed leaves
   * the previous success): what the job-staleness metric reads.
   */
  async recordSuccess(name: string): Promise<void> {
    await this.txHost.tx
      .insertInto('scheduledJobs')
      .values({ name, nextRunAt: sql<Date>`now()`, lastSucceededAt: sql<Date>`now()` })
      .onConflict((conflict) =>
        conflict.column('name').doUpdateSet({ lastSucceededAt: sql<Date>`now()` }),
      )
      .execute();
  }
}
