import type { TransactionalAdapter } from '@nestjs-cls/transactional';
import { TransactionHost } from '@nestjs-cls/transactional';
import {
  AbortedTransactionError,
  CamelCasePlugin,
  CompiledQuery,
  type DatabaseConnection,
  type Driver,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type QueryResult,
  Selectable,
  type TransactionSettings,
} from 'kysely';
import type { Socket } from 'node:net';
import { Pool, PoolClient, Query, type QueryResult as PgQueryResult, types } from 'pg';
import type * as Tables from '../generated/kysely/types';
import { preparedStatementName, routeDirectly, withCallerStack } from './compiled-once';
import { parseTimestamptz, TIMESTAMPTZ_OID } from './pg-dates';
import { MappedResult, preparedQuery, type RowNaming, useFastRowTemplates } from './pg-result';
import { prepareValue } from 'pg/lib/utils';
import { beginUnitOfWork, endUnitOfWork, FINAL_STATEMENT, SENT_WITH_NEXT } from './unit-of-work';

/** Every table, with its row types generated from `prisma/schema.prisma` (prisma-kysely). */
export type DB = Tables.DB;
export type Database = Kysely<DB>;

export type Refund = Selectable<Tables.Refund>;
export type RefundEvent = Selectable<Tables.RefundEvent>;
export type Transaction = Selectable<Tables.Transaction>;
export type Attachment = Selectable<Tables.Attachment>;
export type IdempotencyKey = Selectable<Tables.IdempotencyKey>;
export type Notice = Selectable<Tables.Notice>;
export type SupportCase = Selectable<Tables.SupportCase>;
export type CaseMessage = Selectable<Tables.CaseMessage>;
export type CaseHistory = Selectable<Tables.CaseHistory>;
export type Event = Selectable<Tables.Event>;
export type WebhookEndpoint = Selectable<Tables.WebhookEndpoint>;
export type WebhookDelivery = Selectable<Tables.WebhookDelivery>;
export type WebhookAttempt = Selectable<Tables.WebhookAttempt>;
export type ScheduledJob = Selectable<Tables.ScheduledJob>;
export type Macro = Selectable<Tables.Macro>;
export type SecurityReport = Selectable<Tables.SecurityReport>;
export type PayoutHold = Selectable<Tables.PayoutHold>;

/** The injection token of the pool-level `Database` (outside any transaction). */
export const DATABASE = Symbol('DATABASE');

/**
 * A request must fail within 5 s when the database is gone (503 DATABASE_UNAVAILABLE), also
 * when the link is dead rather than refused: nothing answers then, and without these bounds a
 * query waits for TCP to give up (minutes). The connection bound also covers the wait for a
 * free pooled connection. Both are far above what a query takes on a healthy database, lock
 * waits included (milliseconds; seconds only on an overloaded machine).
 */
const CONNECT_TIMEOUT_MS = 2_500;
const QUERY_TIMEOUT_MS = 2_500;
/**
 * The server's bound on each statement of a unit of work, below the client's (`wrapQueries`):
 * 0.5 s of margin for the statement to reach the server and start.
 */
const STATEMENT_TIMEOUT_MS = 2_000;
export const POOL_SIZE = 10;

/** int8 columns (money, positions) as `bigint`, as the generated row types say. */
const INT8_OID = 20;
const parseInt8 = (value: string) => BigInt(value);
/** Timestamps through a fast path for PostgreSQL's UTC form (`pg-dates.ts`). */
export const parseTypes = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID
      ? parseInt8
      : oid === TIMESTAMPTZ_OID && format !== 'binary'
        ? parseTimestamptz
        : (types.getTypeParser(oid, format) as unknown)) as typeof types.getTypeParser,
};

/**
 * Which connections' prepared statements can still be used. A migration that changes the columns
 * a prepared statement returns makes PostgreSQL refuse it ("cached plan must not change result
 * type", 0A000) on every connection that prepared it. The first refusal, on any connection,
 * retires every connection opened before it: they send their statements unnamed from then on
 * and are closed when they come back to the pool, which opens fresh ones that prepare the new
 * shape. So a migration fails only the requests already in flight on such connections (503,
 * retry), not one more request later on each idle connection.
 */
class PreparedStatements {
  private generation = 0;
  private readonly born = new WeakMap<PoolClient, number>();

  adopt(client: PoolClient): void {
    this.born.set(client, this.generation);
  }

  current(client: PoolClient): boolean {
    return this.born.get(client) === this.generation;
  }

  /** `client`'s statement was refused as stale: retire it and every connection as old. */
  retire(client: PoolClient): void {
    if (this.current(client)) this.generation += 1;
  }
}

/** PostgreSQL's feature_not_supported, which a prepared statement made stale answers. */
const STALE_PLAN = '0A000';

/** What Kysely sends to open and end a transaction. */
const BEGIN = 'begin';
const ROLLBACK = 'rollback';
const ENDS: Record<string, string> = { commit: 'COMMIT', [ROLLBACK]: 'ROLLBACK' };
/** What a unit of work's first statement is sent with. */
const OPEN = `BEGIN;\nSET LOCAL statement_timeout = ${STATEMENT_TIMEOUT_MS}`;
/** A query's call: text, values, and an optional callback (pg's API). */
type QueryCall = [text: unknown, values?: unknown, callback?: unknown];
/** A statement's answer, given without sending it. */
const answered = (command: string) => ({ command, rowCount: null, rows: [] });

/**
 * What the pool's connections do to every query. They are in `pg`'s pipeline mode: a query is
 * written as soon as it is made, without waiting for the answer of the one before; each still
 * gets its own answer or error. A unit of work thus takes two round trips where it can:
 * - A transaction's BEGIN waits for its first statement and goes with it, in the same write.
 *   With BEGIN goes `SET LOCAL statement_timeout` (below). A statement marked `SENT_WITH_NEXT`
 *   (a lock whose answer nobody reads, e.g. the customer's quota lock) is answered at once and
 *   waits with BEGIN for the next statement. If what went ahead of a statement failed, the
 *   transaction is aborted, so the statement is not run, and its caller gets the first error.
 *   A unit of work that ends before any statement sends nothing.
 * - The unit of work's final statement (`FINAL_STATEMENT`, `unit-of-work.ts`) goes with its
 *   COMMIT, which is written right behind it when nothing else is in flight (no BEGIN or lock
 *   ahead of it, no earlier statement unanswered); Kysely's own COMMIT then gets that one's
 *   answer.
 *   If the statement fails, the transaction is aborted and PostgreSQL answers that COMMIT as a
 *   ROLLBACK, so the unit of work commits only with a final statement that succeeded. Two ways a
 *   statement can fail on the client's side only are closed: its values are encoded before it
 *   is written (a value `pg` cannot encode would otherwise be skipped, and the COMMIT behind it
 *   run), and the server gives up on any statement of a unit of work (`SET LOCAL
 *   statement_timeout`, STATEMENT_TIMEOUT_MS) before the client does (QUERY_TIMEOUT_MS): a
 *   final statement the client stopped waiting for has been cancelled, and its COMMIT rolled
 *   back, rather than committed behind a 503.
 * - A ROLLBACK that fails (the connection is gone or stuck) drops the connection and counts as
 *   done, so that the unit of work fails with the error that ended it, not the ROLLBACK's.
 * - Texts compiled once (`compiledOnce`) go as named prepared statements on connections whose
 *   statements are current (`PreparedStatements`); on the others, unnamed.
 * - A query that timed out closes its connection. (It leaves its connection waiting for an
 *   answer that may never come, and each later query on it, the transaction's ROLLBACK, would
 *   wait out a time-out of its own: closed, they fail at once and the pool opens a fresh one.)
 */
function wrapQueries(client: PoolClient, prepared: PreparedStatements | undefined): void {
  const query = client.query.bind(client) as (...args: QueryCall) => unknown;
  // end() makes the pool discard the connection when it comes back, but waits for the server;
  // pg has no public way to close it at once but its socket.
  const stream = (client as unknown as { connection: { stream: Socket } }).connection.stream;
  const drop = () => {
    void client.end();
    stream.destroy();
  };
  /** Queries written and not yet answered. */
  let inFlight = 0;
  const settled = () => {
    inFlight -= 1;
  };
  const run = (...args: QueryCall): Promise<unknown> => {
    const [text, values] = args;
    const name =
      prepared?.current(client) && typeof text === 'string'
        ? preparedStatementName(text)
        : undefined;
    const result = (
      name ? sendPrepared(query, name, text as string, values) : query(...args)
    ) as Promise<unknown>;
    inFlight += 1;
    result.then(settled, (error: Error & { code?: string }) => {
      settled();
      if (name !== undefined && error.code === STALE_PLAN) prepared?.retire(client);
      if (error.message === 'Query read timeout') drop();
    });
    return result;
  };
  /**
   * What waits to go with the unit of work's first statement, a message each: BEGIN, then any
   * marked statements. (Never one message: PostgreSQL parses a message whole before running any
   * of it, so a marked statement that failed to parse would stop BEGIN too, and the statement
   * sent behind it would run, and commit, on its own.)
   */
  let opening: string[] | undefined;
  let inTransaction = false;
  /** The COMMIT sent with the final statement, until Kysely ends the transaction. */
  let sentCommit: Promise<unknown> | undefined;
  client.query = ((...args: QueryCall) => {
    const [text, values, callback] = args;
    if (typeof text !== 'string' || callback !== undefined) return run(...args);
    if (text === BEGIN && opening === undefined) {
      opening = [OPEN];
      inTransaction = true;
      return Promise.resolve(answered('BEGIN'));
    }
    if (Object.hasOwn(ENDS, text)) return end(text);
    const plain = Array.isArray(values) && values.length === 0;
    if (opening !== undefined && plain && text.startsWith(SENT_WITH_NEXT)) {
      opening.push(text);
      return Promise.resolve(answered('SELECT'));
    }
    const head = opening ?? [];
    opening = undefined;
    // COMMIT goes behind the final statement only when nothing else is in flight on the
    // connection: no lock sent ahead of it, and no earlier statement still unanswered (one the
    // unit of work did not wait for; compiled queries skip Kysely's one-at-a-time queue). Either
    // could use up the server's time-out before the statement's own began.
    const final =
      inTransaction && head.length === 0 && inFlight === 0 && text.startsWith(FINAL_STATEMENT);
    // Encoded now: a value pg fails to encode must stop the statement before anything is sent.
    const encoded = final && Array.isArray(values) ? values.map(prepareValue) : values;
    // What goes together goes in one write.
    stream.cork();
    try {
      // (`run` handles every answer's error: none is left unhandled.)
      const ahead = head.map((message) => run(message));
      const own = run(text, encoded);
      if (final) {
        // Its client-side bound starts now, with the statement's: it gets the statement's
        // server-side bound on top of its own.
        sentCommit = run({
          text: ENDS.commit,
          query_timeout: QUERY_TIMEOUT_MS + STATEMENT_TIMEOUT_MS,
        });
        // Its failure is reported when Kysely ends the transaction.
      }
      // The first error is the caller's: a failed message aborts the transaction, and what
      // follows it fails only for that (25P02).
      return ahead.length === 0
        ? own
        : Promise.all([...ahead, own]).then((answers) => answers.at(-1));
    } finally {
      stream.uncork();
    }
  }) as PoolClient['query'];

  /** Kysely's COMMIT or ROLLBACK. */
  function end(text: string): Promise<unknown> {
    inTransaction = false;
    if (opening !== undefined) {
      // Nothing was sent: nothing to end (a marked lock alone changed nothing).
      opening = undefined;
      return Promise.resolve(answered(ENDS[text]));
    }
    const commit = sentCommit;
    sentCommit = undefined;
    if (commit) {
      // Kysely commits after a final statement that succeeded (the COMMIT's own answer, or its
      // error), and rolls back after one that failed: PostgreSQL has already answered that
      // COMMIT as a ROLLBACK (a connection that failed meanwhile is dropped, as below).
      if (text !== ROLLBACK) return commit;
      return commit.then(
        () => answered('ROLLBACK'),
        () => {
          drop();
          return answered('ROLLBACK');
        },
      );
    }
    if (text !== ROLLBACK) return run(ENDS[text]);
    // A ROLLBACK fails only on a connection that is gone or stuck: its transaction goes with
    // it (PostgreSQL rolls back what a closed connection left open). The connection is
    // dropped, and the error that made the unit of work fail (the connection's) is the one
    // its caller sees, not the ROLLBACK's.
    return run(ENDS[text]).catch(() => {
      drop();
      return answered('ROLLBACK');
    });
  }
}

/**
 * A named prepared statement, sent as `client.query({ name, text, values })` would send it, by
 * `send` (the connection's own `query`); its rows come back in the row mapping's form
 * (`MappedResult`). Through Kysely's executor (which has no use for these texts but could be
 * given one) the plugin maps them again, which changes nothing: the mapping of a mapped name is
 * the name itself.
 */
function sendPrepared(
  send: (query: Query) => unknown,
  name: string,
  text: string,
  values: unknown,
): Promise<PgQueryResult> {
  return new Promise((resolve, reject) => {
    send(
      preparedQuery(name, text, values as unknown[], rowMapping.naming, (error, answer) => {
        if (!error) return resolve(answer);
        // As pg's own promise does: the stack starts again here, and the caller adds its own
        // (`withCallerStack`). One error object can be every pipelined query's (a lost
        // connection): their callers' stacks then all land on it, as through pg's promise.
        Error.captureStackTrace(error);
        reject(error);
      }),
    );
  });
}

export function createPool(
  databaseUrl: string,
  onLost: (error: Error) => void,
  options: { preparedStatements: boolean } = { preparedStatements: true },
): Pool {
  useFastRowTemplates();
  const pool = new Pool({
    connectionString: databaseUrl,
    max: POOL_SIZE,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    query_timeout: QUERY_TIMEOUT_MS,
    // Notices a peer that vanished on an idle connection, rather than handing it out.
    keepAlive: true,
    types: parseTypes,
    // Queries are sent without waiting for the previous one's answer (BEGIN with the first
    // statement, COMMIT behind the final one: `wrapQueries`); each has its own answer or error.
    pipeline: true,
  });
  const prepared = options.preparedStatements ? new PreparedStatements() : undefined;
  pool.on('connect', (client) => {
    prepared?.adopt(client);
    wrapQueries(client, prepared);
    // A connection lost while in use must not crash the process either (pg emits 'error' on the
    // client, and Kysely listens to none): the query in flight fails, the pool drops the client.
    client.on('error', onLost);
  });
  // A retired connection is closed when it comes back (the pool then discards it).
  pool.on('release', (_error: Error | undefined, client: PoolClient) => {
    if (prepared && !prepared.current(client)) void client.end();
  });
  // An idle connection dropped by the server must not crash the process; the pool replaces it.
  pool.on('error', onLost);
  return pool;
}

/** One of the pool's connections, as Kysely uses it; `client` is the pg connection itself. */
class PooledConnection implements DatabaseConnection {
  /** Released as broken (the pool closes it) rather than reused. */
  discard = false;

  constructor(readonly client: PoolClient) {}

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    let answer: PgQueryResult;
    try {
      answer = await this.client.query(query.sql, [...query.parameters]);
    } catch (error) {
      throw withCallerStack(error);
    }
    const { command, rowCount, rows } = answer;
    // As Kysely's own driver answers: PostgreSQL ends an aborted transaction's COMMIT as ROLLBACK.
    if (command === 'ROLLBACK' || command === 'COMMIT') return { rows: [{ command }] as R[] };
    const changed = ['INSERT', 'UPDATE', 'DELETE', 'MERGE'].includes(command);
    return {
      numAffectedRows: changed ? BigInt(rowCount ?? 0) : undefined,
      rows: (rows ?? []) as R[],
    };
  }

  /** Nothing here streams; Kysely's interface requires the method. */
  streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('streaming queries is not supported');
  }
}

/**
 * Kysely's PostgreSQL driver, doing what Kysely's own does (`PostgresDriver`) for what this
 * service uses, with the pg connection in sight: a unit of work sends its compiled queries to it
 * directly (`KyselyTransactionalAdapter`). Not carried over, as nothing here uses them: a
 * transaction's isolation level or access mode (refused, rather than ignored), savepoints and
 * streaming.
 */
class PoolDriver implements Driver {
  private ended = false;

  constructor(private readonly pool: Pool) {}

  init(): Promise<void> {
    return Promise.resolve();
  }

  async acquireConnection(): Promise<PooledConnection> {
    return new PooledConnection(await this.pool.connect());
  }

  async beginTransaction(
    connection: PooledConnection,
    settings: TransactionSettings,
  ): Promise<void> {
    if (settings.isolationLevel || settings.accessMode) {
      throw new Error('transactions here run at READ COMMITTED, read-write (no settings)');
    }
    await connection.executeQuery(CompiledQuery.raw(BEGIN));
  }

  async commitTransaction(connection: PooledConnection): Promise<void> {
    const { rows } = await connection.executeQuery<{ command: string }>(
      CompiledQuery.raw('commit'),
    );
    if (rows[0]?.command === 'ROLLBACK') throw new AbortedTransactionError();
  }

  async rollbackTransaction(connection: PooledConnection): Promise<void> {
    try {
      await connection.executeQuery(CompiledQuery.raw(ROLLBACK));
    } catch (error) {
      connection.discard = true;
      throw error;
    }
  }

  releaseConnection(connection: PooledConnection): Promise<void> {
    connection.client.release(connection.discard);
    return Promise.resolve();
  }

  async destroy(): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    await this.pool.end();
  }
}

/**
 * The camelCase plugin of every database (it holds nothing of one database), with its row mapping
 * in reach for the rows of queries sent directly (`routeDirectly`).
 */
class RowMapping extends CamelCasePlugin {
  readonly map = (row: Record<string, unknown>) => this.mapRow(row);
  /**
   * The same mapping, for rows that `pg` builds with mapped keys (`MappedResult`): a column's
   * name in camelCase, and an object value as the plugin maps one (through the plugin itself:
   * a plain object's keys, an array's plain objects; a timestamp, the usual object, as is).
   */
  readonly naming: RowNaming = {
    column: (name) => this.camelCase(name),
    nested: (value) =>
      value instanceof Date || Buffer.isBuffer(value)
        ? value
        : (this.mapRow({ value }) as { value: unknown }).value,
  };
}
export const rowMapping = new RowMapping();

/** An answer's rows in the row mapping's form: as they came, or mapped now. */
function mappedRows(answer: PgQueryResult<Record<string, unknown>>): Record<string, unknown>[] {
  return answer instanceof MappedResult && answer.naming === rowMapping.naming
    ? answer.rows
    : answer.rows.map(rowMapping.map);
}

export function createDatabase(pool: Pool): Database {
  const db = new Kysely<DB>({
    dialect: {
      createAdapter: () => new PostgresAdapter(),
      createDriver: () => new PoolDriver(pool),
      createIntrospector: (kysely) => new PostgresIntrospector(kysely),
      createQueryCompiler: () => new PostgresQueryCompiler(),
    },
    plugins: [rowMapping],
  });
  // Outside a unit of work, a compiled query takes a connection for itself alone.
  routeDirectly(db, {
    query: async (text, values) => {
      const client = await pool.connect();
      try {
        return mappedRows(await client.query(text, values));
      } finally {
        client.release();
      }
    },
  });
  return db;
}

/**
 * `@nestjs-cls/transactional` over Kysely: a service method opens the unit of work
 * (`@Transactional()`), and every repository call inside it runs in that transaction through
 * `TxHost.tx`; outside one, `tx` is the pool. (The published Kysely adapter is not in the
 * registry this project builds from; this is the same few lines.) The writes that wait for the
 * end of the unit of work (`unit-of-work.ts`) are sent just before COMMIT. Until its callback
 * returns, the unit of work's compiled queries go to its connection directly (`routeDirectly`);
 * after that, they go to Kysely, which refuses them once the transaction has committed or rolled
 * back, so a stray late query never runs on a connection the pool has since handed to another
 * request.
 */
export class KyselyTransactionalAdapter implements TransactionalAdapter<
  Database,
  Database,
  Record<string, never>
> {
  readonly connectionToken = DATABASE;

  optionsFactory = (db: Database) => ({
    wrapWithTransaction: (
      _options: Record<string, never>,
      fn: (...args: unknown[]) => Promise<unknown>,
      setTx: (tx: Database) => void,
    ) =>
      db.transaction().execute(async (tx) => {
        setTx(tx);
        beginUnitOfWork(tx);
        // The unit of work's compiled queries go straight to its connection, until it ends.
        const connection = await tx
          .getExecutor()
          .provideConnection((pooled) => Promise.resolve(pooled as PooledConnection));
        routeDirectly(tx, {
          query: async (text, values) => mappedRows(await connection.client.query(text, values)),
        });
        try {
          const result = await fn();
          await endUnitOfWork(tx);
          return result;
        } finally {
          routeDirectly(tx, undefined);
        }
      }),
    getFallbackInstance: () => db,
  });
}

/** What repositories inject: `txHost.tx` is the current unit of work, or the pool. */
export type TxHost = TransactionHost<KyselyTransactionalAdapter>;
export { TransactionHost };
