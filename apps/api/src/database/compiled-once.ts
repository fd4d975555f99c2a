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
 * Where a compiled query can go without Kysely's executor: the pg connection of an open unit of
 * work, or the pool (`database.ts` registers both). Kysely's executor wraps each query in a
 * dozen promises (connection provider, transaction guard, plugins), each paid again for Node's
 * async hooks; a query already compiled needs none of that, only the same row mapping.
 */
export interface DirectRoute {
  /** The answer's rows, in the form Kysely's plugins give them (camelCase keys). */
  query(text: string, values: unknown[]): Promise<Record<string, unknown>[]>;
}

const routes = new WeakMap<object, DirectRoute>();

/**
 * `error` with the stack of the code that awaited the query added to its own (which `pg` made in
 * its socket's data handler, so it names no caller), as Kysely's driver does: a logged database
 * error then shows the repository and service that sent the query. Made only on failure.
 */
export function withCallerStack(error: unknown): unknown {
  const caller = new Error().stack;
  if (error instanceof Error && typeof error.stack === 'string' && caller) {
    error.stack += `\n${caller.split('\n').slice(1).join('\n')}`;
  }
  return error;
}

/** Sends `db`'s compiled queries through `route` from now on (or, with none, Kysely again). */
export function routeDirectly(db: object, route: DirectRoute | undefined): void {
  if (route) routes.set(db, route);
  else routes.delete(db);
}

/**
 * Runs a compiled query on `db`: directly when `db` has a route (the pool-level database, a unit
 * of work whose callback has not returned), else through Kysely (which refuses a transaction once
 * it has committed or rolled back).
 */
export async function runCompiled<Row>(
  db: Executor,
  query: CompiledQuery<Row>,
  parameters: readonly unknown[] = query.parameters,
): Promise<Row[]> {
  const route = routes.get(db);
  if (!route) return (await db.executeQuery<Row>({ ...query, parameters })).rows;
  try {
    return (await route.query(query.sql, parameters as unknown[])) as Row[];
  } catch (error) {
    throw withCallerStack(error);
  }
}

/**
 * A query of one shape, built and compiled by Kysely once instead of on every call. On the hot
 * paths (a refund's read, apply) building, transforming and compiling a query cost the service
 * more CPU than the query costs PostgreSQL. `build` gets stand-ins for its arguments and must use
 * each only as a value, which Kysely binds as a parameter: never look at one (no branching on it,
 * no `?? default`, no `in` list, no nested object), so that one compiled text fits every call.
 * Each call binds its own values in the stand-ins' places and goes to the connection directly
 * where it can (`runCompiled`); its rows are mapped as the plugins map any query's (camelCase
 * keys).
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
    return runCompiled(db, compiled, parameters);
  };
}
