/** `pg`'s own encoding of a query's value (what it sends for it), which `pg` ships untyped. */
declare module 'pg/lib/utils' {
  export function prepareValue(value: unknown): unknown;
}

/** `pg`'s result of one query, which `pg` ships untyped: only what `pg-result.ts` replaces and extends. */
declare module 'pg/lib/result' {
  export default class Result {
    constructor(rowMode?: string, types?: unknown);
    addFields(fields: unknown[]): void;
    parseRow(rowData: unknown[]): Record<string, unknown>;
  }
}
