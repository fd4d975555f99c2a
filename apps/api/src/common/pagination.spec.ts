import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { AppError } from '../errors/app-error';
import {
  decodeCursor,
  encodeCursor,
  newestFirstCursor,
  PaginationQueryDto,
  toPage,
} from './pagination';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('PaginationQueryDto', () => {
  const check = (query: Record<string, unknown>) => {
    const dto = plainToInstance(PaginationQueryDto, query);
    return { dto, fields: validateSync(dto).map((error) => error.property) };
  };

  it('defaults the limit to 20 and leaves the cursor out', () => {
    const { dto, fields } = check({});
    expect(fields).toEqual([]);
    expect(dto.limit).toBe(20);
    expect(dto.cursor).toBeUndefined();
  });

  it('turns a query-string limit into a number', () => {
    expect(check({ limit: '100' })).toMatchObject({ dto: { limit: 100 }, fields: [] });
    expect(check({ limit: '1' })).toMatchObject({ dto: { limit: 1 }, fields: [] });
  });

  it.each(['0', '101', '-1', '1.5', 'abc', '', ['10', '20']])('refuses the limit %j', (limit) => {
    expect(check({ limit }).fields).toEqual(['limit']);
  });

  it('refuses a cursor that is not a short string', () => {
    expect(check({ cursor: ['a', 'b'] }).fields).toEqual(['cursor']);
    expect(check({ cursor: 'x'.repeat(513) }).fields).toEqual(['cursor']);
  });
});

describe('cursors', () => {
  const cursors = newestFirstCursor(UUID);
  const key = {
    createdAt: new Date('2025-01-31T10:00:00.123Z'),
    id: '0199a0c4-0000-7000-8000-000000000001',
  };

  it('round-trips the newest-first key through an opaque, URL-safe string', () => {
    const cursor = cursors.encode(key);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(cursors.decode(cursor)).toEqual(key);
  });

  const invalid = (cursor: string) => {
    try {
      cursors.decode(cursor);
    } catch (error) {
      return error;
    }
    throw new Error(`accepted ${cursor}`);
  };

  it.each([
    ['not base64 JSON', 'garbage!'],
    ['empty', ''],
    ['an object', Buffer.from('{}').toString('base64url')],
    ['too short', encodeCursor(['2025-01-31T10:00:00.123Z'])],
    ['too long', encodeCursor(['2025-01-31T10:00:00.123Z', key.id, 1])],
    ['a number for the time', encodeCursor([1738317600123, key.id])],
    ['a time that is not canonical', encodeCursor(['2025-01-31T10:00:00Z', key.id])],
    ['an impossible date', encodeCursor(['2025-02-30T10:00:00.000Z', key.id])],
    ['an id of the wrong shape', encodeCursor(['2025-01-31T10:00:00.123Z', 'TX-1'])],
  ])('refuses a cursor that is %s with a 400 naming the cursor', (_what, cursor) => {
    const error = invalid(cursor);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
    expect((error as AppError).errors).toEqual([{ field: 'cursor', message: expect.any(String) }]);
  });

  it('lets a list define its own sort key', () => {
    const cursor = encodeCursor(['URGENT', 3, null]);
    const parse = (values: unknown[]) => (values.length === 3 ? values : undefined);
    expect(decodeCursor(cursor, parse)).toEqual(['URGENT', 3, null]);
  });
});

describe('toPage', () => {
  const rows = [1, 2, 3].map((n) => ({ n }));
  const cursorOf = (row: { n: number }) => `after-${row.n}`;
  const map = (row: { n: number }) => row.n * 10;

  it('serves `limit` rows and a cursor after the last one when an extra row was fetched', () => {
    expect(toPage(rows, 2, cursorOf, map)).toEqual({ data: [10, 20], nextCursor: 'after-2' });
  });

  it('answers a null cursor on the last page', () => {
    expect(toPage(rows, 3, cursorOf, map)).toEqual({ data: [10, 20, 30], nextCursor: null });
    expect(toPage([], 3, cursorOf, map)).toEqual({ data: [], nextCursor: null });
  });
});
