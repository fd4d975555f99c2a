import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { AppError } from '../errors/app-error';

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

/** `limit` and `cursor`, the query of every paginated list. */
export class PaginationQueryDto {
  @ApiPropertyOptional({
    minimum: 1,
    maximum: MAX_PAGE_SIZE,
    default: DEFAULT_PAGE_SIZE,
    description: 'Items per page.',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  limit: number = DEFAULT_PAGE_SIZE;

  @ApiPropertyOptional({ description: 'The `nextCursor` of the previous page; opaque.' })
  @IsOptional()
  @IsString()
  @MaxLength(512)
  cursor?: string;
}

/** One page of a list: `nextCursor` is null on the last page. */
export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

/** The OpenAPI side of `Page<T>`; each list declares its own subclass with a typed `data`. */
export abstract class PageDto {
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Pass as `cursor` to get the next page; null on the last page.',
  })
  nextCursor!: string | null;
}

export type CursorValue = string | number | null;

/**
 * A cursor is the sort key of the last row served, as base64url JSON: opaque to clients, and
 * keyset pagination from it never skips or repeats a row when rows are added meanwhile.
 */
export function encodeCursor(key: readonly CursorValue[]): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

/** The sort key in `cursor`, checked by `parse` (undefined: not one of ours) or a 400. */
export function decodeCursor<K>(cursor: string, parse: (key: unknown[]) => K | undefined): K {
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    key = undefined;
  }
  const parsed = Array.isArray(key) ? parse(key) : undefined;
  if (parsed === undefined) {
    throw new AppError('VALIDATION_FAILED', 'The request is invalid.', [
      { field: 'cursor', message: 'cursor is not one this list gave out' },
    ]);
  }
  return parsed;
}

/** A timestamp from a cursor: the exact ISO form we encode, within PostgreSQL's range. */
export function cursorDate(value: unknown): Date | undefined {
  if (typeof value !== 'string') return undefined;
  const date = new Date(value);
  if (Number.isNaN(date.getTime()) || date.toISOString() !== value) return undefined;
  const year = date.getUTCFullYear();
  return year >= 1970 && year <= 9999 ? date : undefined;
}

/** The sort key of lists ordered newest first: `ORDER BY created_at DESC, id DESC`. */
export interface NewestFirstKey {
  createdAt: Date;
  id: string;
}

/**
 * Cursors of a list ordered newest first; `id` is the pattern of the list's ids, so that a
 * forged cursor is a 400 rather than a value the database refuses.
 */
export function newestFirstCursor(id: RegExp): {
  encode: (row: NewestFirstKey) => string;
  decode: (cursor: string) => NewestFirstKey;
} {
  return {
    encode: (row) => encodeCursor([row.createdAt.toISOString(), row.id]),
    decode: (cursor) =>
      decodeCursor(cursor, (key) => {
        const [createdAt, rowId] = key;
        const date = cursorDate(createdAt);
        if (key.length !== 2 || !date || typeof rowId !== 'string') return;
        return id.test(rowId) ? { createdAt: date, id: rowId } : undefined;
      }),
  };
}

/**
 * The page from rows fetched with `LIMIT limit + 1`: the extra row only says that another page
 * exists, and the cursor points after the last row served.
 */
export function toPage<R, T>(
  rows: readonly R[],
  limit: number,
  cursorOf: (row: R) => string,
  map: (row: R) => T,
): Page<T> {
  const served = rows.slice(0, limit);
  const last = served.at(-1);
  return {
    data: served.map(map),
    nextCursor: rows.length > limit && last !== undefined ? cursorOf(last) : null,
  };
}

/**
 * Cursors of a list ordered by a bigint sequence (the outbox's `position`), highest first: the
 * cursor is the position of the last row served.
 */
export function positionCursor<R>(positionOf: (row: R) => bigint): {
  encode: (row: R) => string;
  decode: (cursor: string) => bigint;
} {
  return {
    encode: (row) => encodeCursor([positionOf(row).toString()]),
    decode: (cursor) =>
      decodeCursor(cursor, (key) => {
        const [position] = key;
        if (key.length !== 1 || typeof position !== 'string') return;
        return /^[1-9]\d{0,17}$/.test(position) ? BigInt(position) : undefined;
      }),
  };
}
