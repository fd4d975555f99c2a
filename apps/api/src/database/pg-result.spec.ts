import Result from 'pg/lib/result';
import { types } from 'pg';
import { createPool, parseTypes, rowMapping } from './database';
import { addFields, MappedResult, pgAddFields } from './pg-result';

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
    // eslint-disable-next-line @typescript-eslint/unbound-method -- compared, not called
    expect(Result.prototype.addFields).toBe(addFields);
    await pool.end();
  });
});

describe("a prepared statement's answer, with rows built in the row mapping's form", () => {
  // The pool's own row mapping (Kysely's camelCase plugin).
  const naming = rowMapping.naming;
  const columns = [
    { name: 'refund_id', dataTypeID: 25, format: 'text' },
    { name: 'held_amount', dataTypeID: 20, format: 'text' },
    { name: 'created_at', dataTypeID: 1184, format: 'text' },
    { name: 'details', dataTypeID: 3802, format: 'text' },
    { name: 'note_text', dataTypeID: 25, format: 'text' },
  ];
  const values = [
    'r-1',
    '9007199254740993',
    '2026-12-01 10:00:00.5+00',
    '{"negotiation_notes": [{"said_by": "merchant"}, 3], "plain": {"deep_key": null}}',
    null,
  ];
  let statement = 0;
  /** A fresh statement name per test: shapes are kept by name for the process's life. */
  const named = () => `test_statement_${++statement}_${Date.now()}`;
  /** The answer of statement `name` with `fields`, on a connection whose parsers are `types`. */
  const mapped = (name: string, fields = columns, types: object = parseTypes) => {
    const result = new MappedResult(name, naming) as MappedResult & {
      _parsers: unknown[];
      _types: unknown;
    };
    result._types = types;
    result.addFields(fields);
    return result;
  };

  it("gives the rows pg's own result gives, mapped as the camelCase plugin maps them", () => {
    const pgs = new Result(undefined, parseTypes);
    pgs.addFields(columns);
    const expected = rowMapping.map(pgs.parseRow(values));
    const row = mapped(named()).parseRow(values);
    expect(row).toEqual(expected);
    expect(Object.keys(row)).toEqual(Object.keys(expected));
    expect(expected).toEqual({
      refundId: 'r-1',
      heldAmount: 9007199254740993n,
      createdAt: new Date('2026-12-01T10:00:00.500Z'),
      details: { negotiationNotes: [{ saidBy: 'merchant' }, 3], plain: { deepKey: null } },
      noteText: null,
    });
  });

  it("builds a statement's columns once, and again when its columns change under the same name", () => {
    const name = named();
    const first = mapped(name);
    const second = mapped(name);
    expect(second._parsers).toBe(first._parsers);
    // A migration changed what the statement returns: a column's type, then one more column.
    const retyped = columns.map((column) =>
      column.name === 'held_amount' ? { ...column, dataTypeID: 23 } : column,
    );
    const third = mapped(name, retyped);
    expect(third._parsers).not.toBe(first._parsers);
    expect(third.parseRow(['r-1', '7', null, null, null]).heldAmount).toBe(7);
    const widened = [...columns, { name: 'extra_flag', dataTypeID: 16, format: 'text' }];
    expect(mapped(name, widened).parseRow([...values, 't'])).toMatchObject({
      refundId: 'r-1',
      extraFlag: true,
    });
    expect(mapped(name).parseRow(values).heldAmount).toBe(9007199254740993n);
    // Each connection has parsers of its own (pg wraps the pool's in an object per connection):
    // answers on two connections in turn keep each one's columns.
    const [a, b] = [{ ...parseTypes }, { ...parseTypes }];
    const parsersOn = (types: object) => mapped(name, columns, types)._parsers;
    const [firstOfA, firstOfB] = [parsersOn(a), parsersOn(b)];
    for (const [types, first] of [
      [a, firstOfA],
      [b, firstOfB],
      [a, firstOfA],
      [b, firstOfB],
      [a, firstOfA],
    ] as const) {
      expect(parsersOn(types)).toBe(first);
    }
    // Other parsers (another pool's types): built again, with those.
    const asText = mapped(name, columns, { getTypeParser: () => (value: unknown) => value });
    expect(asText.parseRow(values).heldAmount).toBe('9007199254740993');
  });
});
