import type { CompiledQuery, QueryExecutorProvider, QueryResult } from 'kysely';

/** What runs a compiled query: a transaction or the pool (`Database`, kept generic here). */
export interface Executor extends QueryExecutorProvider {
  executeQuery<R>(query: CompiledQuery<R>): Promise<QueryResult<R>>;
}

/** A query builder or a raw `sql` template (which compiles against an executor). */
interface Buildable<R> {
  compile(executor: QueryExecutorProvider): CompiledQuery<R>;
}

/** The name of each compiled text, for the pool to prepare it (`preparedStatementName`). */
const names = new Map<string, string>();

/**
 * The prepared statement name of a text compiled here, if it is one: the pool sends these texts
 * as named prepared statements, which PostgreSQL parses (and, after a few runs, plans) once per
 * connection instead of on every call (`DATABASE_PREPARED_STATEMENTS`).
 */
export function preparedStatementName(text: string): string | undefined {
  return names.get(text);
}

/** Stands in for one argument while the query is compiled: it becomes that argument's parameter. */
class Slot {
  constructor(readonly name: string) {}
}

/** The stand-ins handed to a builder: `args.x` is the slot of the argument `x`. */
const slots: object = new Proxy({}, { get: (_target, name) => new Slot(String(name)) });

/**
 * A query of one shape, built and compiled by Kysely once instead of on every call. On the hot
 * paths (a refund's read, apply) building, transforming and compiling a query cost the service
 * more CPU than the query costs PostgreSQL. `build` gets stand-ins for its arguments and must use
 * each only as a value, which Kysely binds as a parameter: never look at one (no branching on it,
 * no `?? default`, no `in` list, no nested object), so that one compiled text fits every call.
 * Each call binds its own values in the stand-ins' places; results go through the plugins
 * (camelCase keys) as any query's do.
 */
export function compiledOnce<Db extends Executor, Args extends object, Row>(
  build: (db: Db, args: Args) => Buildable<Row>,
): (db: Db, args: Args) => Promise<Row[]> {
  // Let go once compiled, with whatever the builder closes over: only the compiled text is kept.
  let builder: typeof build | undefined = build;
  let compiled: CompiledQuery<Row> | undefined;
  return async (db, args) => {
    if (!compiled) {
      compiled = builder!(db, slots as Args).compile(db);
      builder = undefined;
      if (!names.has(compiled.sql)) names.set(compiled.sql, `refund_desk_${names.size + 1}`);
    }
    const parameters = compiled.parameters.map((value) =>
      value instanceof Slot ? args[value.name as keyof Args] : value,
    );
    const { rows } = await db.executeQuery<Row>({ ...compiled, parameters });
    return rows;
  };
}
