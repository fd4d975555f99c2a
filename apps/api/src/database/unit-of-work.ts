import { RawBuilder, sql } from 'kysely';
import { compiledOnce, type Executor } from './compiled-once';

/** A transaction or the pool (`Database`; this module stays below `database.ts`). */
type Database = Executor;

/** How the final statement's text begins: the pool's connections send COMMIT right behind it. */
export const FINAL_STATEMENT = '/* final write */';

/**
 * How a statement without parameters begins when nothing reads its answer (a lock taken first):
 * in a unit of work, the pool's connections answer it at once and send it with the next
 * statement, whose caller gets its error if it fails (`database.ts`).
 */
export const SENT_WITH_NEXT = '/* sent with the next statement */';

/**
 * A write that waits for the end of its unit of work: the outbox's events with their webhook
 * deliveries, and a keyed request's answer. They are gathered while the service works and sent
 * together, as one statement, just before COMMIT: one round trip instead of one each. The
 * statement is compiled once for each combination of writes (`compiledOnce`): `build` makes the
 * write's statements from stand-ins for the values `values` gives each time.
 *
 * The pool's connections send COMMIT right behind the final statement, without waiting for its
 * answer (`database.ts`): a write that must undo the unit of work does so by failing in SQL (an
 * error rolls the transaction back, and PostgreSQL answers that COMMIT as a ROLLBACK), never by a
 * check on what the statement returned, which would come after the COMMIT.
 */
export interface FinalWrite<V extends object = object> {
  /**
   * Named data-modifying statements, made into the final statement's `WITH` list in this order
   * (a later one may read an earlier one's RETURNING rows by its name). Their shape must not
   * depend on the values: use each of `values` only as a value. It may depend on what `shape`
   * tells, which then keys a statement of its own.
   */
  build(values: V): Array<{ name: string; statement: RawBuilder<unknown> }>;
  /** The values this unit of work writes; called at the end, with everything gathered by then. */
  values(): V;
  /**
   * What the statements' shape depends on, if anything (how many rows they write): writes of
   * another shape get a statement of their own.
   */
  shape?(): string;
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
    return run(tx, [[key, write]]);
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
  const writes = [...(pending.get(tx)?.entries() ?? [])];
  pending.delete(tx);
  if (writes.length > 0) await run(tx, writes);
}

/**
 * The final statement of each combination of writes (by their keys and shapes, in order),
 * compiled once.
 */
const statements = new Map<string, ReturnType<typeof finalStatement>>();

function finalStatement(writes: FinalWrite[]) {
  // Built once, from the first unit of work's writes (only their shape counts); compiledOnce
  // lets go of them once compiled.
  return compiledOnce((_db: Database, values: Record<string, unknown>) => {
    // Each write sees its own values under their own names (`<index>:<name>` in the whole).
    const built = writes.map((write, index) =>
      write.build(new Proxy({}, { get: (_target, name) => values[`${index}:${String(name)}`] })),
    );
    const ctes = built.flat().map(({ name, statement }) => sql`${sql.id(name)} AS (${statement})`);
    return sql`${sql.raw(FINAL_STATEMENT)} WITH ${sql.join(ctes)} SELECT 1`;
  });
}

async function run(db: Database, writes: Array<[key: string, write: FinalWrite]>): Promise<void> {
  const key = writes.map(([name, write]) => `${name}:${write.shape?.() ?? ''}`).join(',');
  let statement = statements.get(key);
  if (!statement) {
    statement = finalStatement(writes.map(([, write]) => write));
    statements.set(key, statement);
  }
  const values: Record<string, unknown> = {};
  writes.forEach(([, write], index) => {
    for (const [name, value] of Object.entries(write.values())) values[`${index}:${name}`] = value;
  });
  await statement(db, values);
}
