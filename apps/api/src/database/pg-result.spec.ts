import Result from 'pg/lib/result';
import { types } from 'pg';
import { createPool } from './database';
import { addFields, pgAddFields } from './pg-result';

const fields = (...names: string[]) =>
  names.map((name, i) => ({ name, dataTypeID: [25, 20, 1184, 16][i % 4], format: 'text' }));
const row = ['text', '42', '2026-12-01T10:00:00.000Z', 't'];

/** A result whose fields were added by `add`, and what it makes of one row. */
function described(add: (this: unknown, fields: unknown[]) => void, names: string[]) {
  const result = new Result(undefined, types) as Result & {
    _parsers: unknown[];
    _prebuiltEmptyResultObject: object;
  };
  add.call(result, fields(...names));
  return { result, parsed: result.parseRow(names.map((_, i) => row[i % 4])) };
}

describe("pg's Result.addFields, replaced", () => {
  const names = ['id', 'amount', 'created_at', 'held', 'note'];

  it("sets what pg's own does: the same parsers, the same template, the same rows", () => {
    const ours = described(addFields as (this: unknown, fields: unknown[]) => void, names);
    const pgs = described(pgAddFields, names);
    expect(ours.result._parsers).toEqual(pgs.result._parsers);
    expect(ours.result._parsers.every((parser, i) => parser === pgs.result._parsers[i])).toBe(true);
    expect(ours.result._prebuiltEmptyResultObject).toEqual({
      ...pgs.result._prebuiltEmptyResultObject,
    });
    expect(ours.parsed).toEqual({ ...pgs.parsed });
    expect(Object.keys(ours.parsed)).toEqual(names);
  });

  it('gives rows the ordinary prototype, and leaves a column named __proto__ to pg', () => {
    expect(Object.getPrototypeOf(described(addFields as never, names).parsed)).toBe(
      Object.prototype,
    );
    const odd = described(addFields as never, ['id', '__proto__']).parsed;
    expect(Object.getPrototypeOf(odd)).toBe(Object.prototype);
    expect(Object.keys(odd)).toEqual(['id', '__proto__']);
  });

  it('is installed in pg by the pool', async () => {
    const pool = createPool('postgresql://127.0.0.1:1/none', () => undefined);
    expect(Result.prototype.addFields).toBe(addFields);
    await pool.end();
  });
});
