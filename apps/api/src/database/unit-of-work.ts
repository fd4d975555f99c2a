import { QueryExecutorProvider, RawBuilder, sql } from 'kysely';

/** A transaction or the pool (`Database`; this module stays below `database.ts`). */
type Database = QueryExecutorProvider;

/**
 * A write that waits for the end of its unit of work: the outbox's events with their webhook
 * deliveries, and a keyed request's answer. They are gathered while the service works and sent
 * together, as one statement, just before COMMIT: one round trip instead of one each.
 */
export interface FinalWrite {
  /**
   * Named data-modifying statements, made into the final statement's `WITH` list in this order
   * (a later one may read an earlier one's RETURNING rows by its name). Called at the end, so
   * that it writes everything gathered by then.
   */
  build(): Array<{ name: string; statement: RawBuilder<unknown> }>;
  /** Given how many rows the last of them returned; throwing rolls the unit of work back. */
  check?(rows: number): void;
}

/** The final writes of each open unit of work, by its transaction. */
const pending = new WeakMap<Database, Map<string, FinalWrite>>();

/** Called by the transaction adapter as a unit of work begins. */
export function beginUnitOfWork(tx: Database): void {
  pending.set(tx, new Map());
}

/**
 * Adds to the final write registered under `key` in the unit of work `tx` is in (`create` makes
 * it the first time; `use` adds to it). Outside a unit of work (`tx` is the pool), a fresh one
 * is made, used and run at once, alone.
 */
export async function atEnd<W extends FinalWrite>(
  tx: Database,
  key: string,
  create: () => W,
  use: (write: W) => void,
): Promise<void> {
  const writes = pending.get(tx);
  if (!writes) {
    const write = create();
    use(write);
    return run(tx, [write]);
  }
  let write = writes.get(key) as W | undefined;
  if (!write) {
    write = create();
    writes.set(key, write);
  }
  use(write);
}

/** Called by the transaction adapter after the unit of work's own statements, before COMMIT. */
export async function endUnitOfWork(tx: Database): Promise<void> {
  const writes = [...(pending.get(tx)?.values() ?? [])];
  pending.delete(tx);
  if (writes.length > 0) await run(tx, writes);
}

async function run(db: Database, writes: FinalWrite[]): Promise<void> {
  const built = writes.map((write) => write.build());
  const ctes = built.flat().map(({ name, statement }) => sql`${sql.id(name)} AS (${statement})`);
  const counts = built.map(
    (statements, index) =>
      sql`(SELECT count(*) FROM ${sql.id(statements[statements.length - 1].name)})::int AS ${sql.id(`w${index}`)}`,
  );
  const { rows } = await sql<
    Record<string, number>
  >`WITH ${sql.join(ctes)} SELECT ${sql.join(counts)}`.execute(db);
  writes.forEach((write, index) => write.check?.(rows[0][`w${index}`]));
}
