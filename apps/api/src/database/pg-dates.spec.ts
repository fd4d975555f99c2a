import { types } from 'pg';
import { parseTimestamptz, readUtcTimestamp, TIMESTAMPTZ_OID } from './pg-dates';

const pgParse = types.getTypeParser(TIMESTAMPTZ_OID, 'text') as (text: string) => unknown;

/** What a value is, comparably: a Date's time, or the value itself (Infinity, null). */
const valueOf = (value: unknown) => (value instanceof Date ? value.getTime() : value);

/** PostgreSQL's text for a moment, in UTC, with `digits` of fraction (0–6). */
function written(time: number, digits: number): string {
  const iso = new Date(time).toISOString(); // 2026-12-01T19:00:00.123Z
  const micros = `${iso.slice(20, 23)}${String(Math.abs(time % 7)).repeat(3)}`.slice(0, digits);
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}${digits ? `.${micros}` : ''}+00`;
}

describe('timestamptz parsing', () => {
  it("reads PostgreSQL's UTC timestamps as pg's own parser does, at every fraction length", () => {
    for (let i = 0; i < 2000; i++) {
      // From the year 100 to 9999, millisecond precision.
      const time = Date.UTC(100, 0, 1) + Math.floor(Math.random() * 3e14);
      const text = written(time, i % 7);
      // Read by the fast path itself, not handed on to pg's parser.
      const fast = readUtcTimestamp(text);
      expect(fast).toBeInstanceOf(Date);
      expect(valueOf(fast)).toBe(valueOf(pgParse(text)));
      expect(valueOf(parseTimestamptz(text))).toBe(valueOf(fast));
    }
  });

  it('leaves every other form to pg’s parser, with the same result', () => {
    for (const text of [
      '0099-01-01 00:00:00+00',
      '0001-01-01 00:00:00+00 BC',
      '2026-12-01 19:00:00.123+07',
      '2026-12-01 19:00:00.123-05:30',
      '2026-12-01 19:00:00.1234567+00',
      '12026-12-01 19:00:00+00',
      'infinity',
      '-infinity',
      '2026-12-01 19:00:0x+00',
      '2026-12-01',
    ]) {
      expect({ text, fast: readUtcTimestamp(text) }).toEqual({ text, fast: undefined });
      expect({ text, value: valueOf(parseTimestamptz(text)) }).toEqual({
        text,
        value: valueOf(pgParse(text)),
      });
    }
  });
});
