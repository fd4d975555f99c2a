import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { sql, type Updateable } from 'kysely';
import { randomUUID } from 'node:crypto';
import type { DB, KyselyTransactionalAdapter, Macro } from '../database/database';

export type MacroChanges = Pick<Updateable<DB['macros']>, 'title' | 'body' | 'internal'>;

@Injectable()
export class MacrosRepository {
  constructor(private readonly txHost: TransactionHost<KyselyTransactionalAdapter>) {}

  private get db() {
    return this.txHost.tx;
  }

  /** Every macro, by title. */
  list(): Promise<Macro[]> {
    return this.db.selectFrom('macros').selectAll().orderBy('title').orderBy('id').execute();
  }

  findById(id: string): Promise<Macro | undefined> {
    return this.db.selectFrom('macros').selectAll().where('id', '=', id).executeTakeFirst();
  }

  insert(macro: { title: string; body: string; internal: boolean; createdById: string }) {
    return this.db
      .insertInto('macros')
      .values({ ...macro, id: randomUUID() })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  update(id: string, changes: MacroChanges): Promise<Macro | undefined> {
    return this.db
      .updateTable('macros')
      .set({ ...changes, updatedAt: sql<Date>`now()` })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
  }

  async delete(id: string): Promise<boolean> {
    const result = await this.db.deleteFrom('macros').where('id', '=', id).executeTakeFirst();
    return result.numDeletedRows === 1n;
  }
}
