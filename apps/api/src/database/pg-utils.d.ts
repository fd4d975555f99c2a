/** `pg`'s own encoding of a query's value (what it sends for it), which `pg` ships untyped. */
declare module 'pg/lib/utils' {
  export function prepareValue(value: unknown): unknown;
}
