import { Query, type QueryResult } from 'pg';
import Result from 'pg/lib/result';

/** A column of a result, as `pg` describes it (the part `addFields` reads). */
interface Field {
  name: string;
  dataTypeID: number;
  format?: string;
}

/** What `addFields` sets on a result, and reads from it. */
interface ResultState {
  fields: Field[];
  _parsers: ((value: unknown) => unknown)[] | undefined;
  _types: { getTypeParser(oid: number, format: string): (value: unknown) => unknown };
  _prebuiltEmptyResultObject: Record<string, null> | null;
}

// eslint-disable-next-line @typescript-eslint/unbound-method -- kept to be called on a result
const pgAddFields = Result.prototype.addFields;

/**
 * `pg`'s `Result.addFields`, which runs for every query's answer, with one difference: it builds
 * the row template (every column set to null, copied for each row) from a plain object, as `pg`
 * did up to 8.11, instead of a null-prototype one. V8 keeps a null-prototype object in
 * dictionary mode, and spreading one takes its slow path: 6.4 µs per answer of 33 columns against
 * 1.2 µs (Node 20, a microbenchmark); 0.134 against 0.126 ms of the service's CPU per status read. A result with a column named
 * `__proto__` (the reason for the null prototype: on a plain object that name sets the
 * prototype) is left to `pg`'s own. `pg-result.spec.ts` checks that both still agree.
 */
export function addFields(this: ResultState, fields: Field[]): void {
  if (fields.some((field) => field.name === '__proto__')) {
    pgAddFields.call(this, fields);
    return;
  }
  this.fields = fields;
  if (fields.length) this._parsers = new Array<(value: unknown) => unknown>(fields.length);
  const row: Record<string, null> = {};
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i];
    row[field.name] = null;
    this._parsers![i] = this._types.getTypeParser(field.dataTypeID, field.format || 'text');
  }
  this._prebuiltEmptyResultObject = { ...row };
}

/** Installs `addFields` in `pg`'s `Result` (by each pool as it is made; once is enough). */
export function useFastRowTemplates(): void {
  Result.prototype.addFields = addFields;
}

export { pgAddFields };

/** A column's parser, as `pg`'s type registry gives it. */
type Parser = (value: unknown) => unknown;

/** A prepared statement's answer as rows are built from it: columns, parsers and row template. */
interface Shape {
  /** The columns as PostgreSQL describes them, to tell when the statement's answer changed. */
  columns: Field[];
  /** What the names come from (one naming in the service, but kept with the names). */
  naming: RowNaming;
  /** The same columns named as the row mapping names them. */
  named: Field[];
  parsers: Parser[];
  template: Record<string, null>;
}

/**
 * Each prepared statement's shape, by statement name (`compiledOnce` names them), for each set of
 * parsers: a connection has its own (`pg` wraps the pool's `types` in an object per connection),
 * as it has its own prepared statements.
 */
const shapesByTypes = new WeakMap<object, Map<string, Shape>>();

function sameColumns(known: Field[], fields: Field[]): boolean {
  if (known.length !== fields.length) return false;
  for (let i = 0; i < fields.length; i++) {
    const [a, b] = [known[i], fields[i]];
    if (a.name !== b.name || a.dataTypeID !== b.dataTypeID || a.format !== b.format) return false;
  }
  return true;
}

/** How rows are named: each column's name, and what a column's object value becomes. */
export interface RowNaming {
  column(name: string): string;
  /** A value that is an object (json, an array…): mapped as the row mapping maps it, or as is. */
  nested(value: object): unknown;
}

/**
 * The answer of a named prepared statement, with its rows already in the row mapping's form
 * (camelCase keys). `pg` reads a statement's columns from every answer and builds a row template
 * and a parser per column each time; here they are built once per statement and reused while its
 * columns stay the same (a migration can change what `SELECT *` returns under the same name).
 * Each row is built once with its mapped keys, rather than built and then copied by the row
 * mapping: the column setup and the copy were 6.4% of the service's CPU samples in a profile
 * of the status read, besides the garbage of both.
 */
export class MappedResult extends Result {
  constructor(
    private readonly statement: string,
    /** How its rows are named. */
    readonly naming: RowNaming,
  ) {
    super();
  }

  /**
   * (No mapped name is `__proto__`, which would set the template's prototype: the camelCase
   * mapping drops the underscores that would make one.)
   */
  override addFields(fields: Field[]): void {
    const state = this as unknown as ResultState;
    let shapes = shapesByTypes.get(state._types);
    if (!shapes) shapesByTypes.set(state._types, (shapes = new Map<string, Shape>()));
    let shape = shapes.get(this.statement);
    if (!shape || shape.naming !== this.naming || !sameColumns(shape.columns, fields)) {
      const named = fields.map((field) => ({ ...field, name: this.naming.column(field.name) }));
      addFields.call(state, named);
      shape = {
        columns: fields,
        naming: this.naming,
        named,
        parsers: state._parsers ?? [],
        template: state._prebuiltEmptyResultObject ?? {},
      };
      shapes.set(this.statement, shape);
    }
    state.fields = shape.named;
    state._parsers = shape.parsers;
    state._prebuiltEmptyResultObject = shape.template;
  }

  override parseRow(rowData: unknown[]): Record<string, unknown> {
    const row = super.parseRow(rowData);
    for (const key in row) {
      const value = row[key];
      if (value !== null && typeof value === 'object') row[key] = this.naming.nested(value);
    }
    return row;
  }
}

/**
 * The query of a named prepared statement whose answer is a `MappedResult`. Made from its text
 * (what `pg` copies cheaply; a config object it copies through its property descriptors, 3% of
 * a status read's CPU), with its name set before it is sent.
 */
export function preparedQuery(
  name: string,
  text: string,
  values: unknown[],
  naming: RowNaming,
  callback: (error: Error | undefined, answer: QueryResult) => void,
): Query {
  const query = new Query(text, values, callback as never) as Query & {
    name: string;
    _result: Result;
    _results: Result;
  };
  query.name = name;
  query._result = query._results = new MappedResult(name, naming);
  return query;
}
