import type { FastifyInstance } from 'fastify';
import { AppError } from '../errors/app-error';

// NUL cannot be stored in PostgreSQL text, nor an unpaired surrogate in jsonb: both are refused
// at the edge rather than failing in the database.
// eslint-disable-next-line no-control-regex -- NUL is what it refuses
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * More values than any valid body holds (the largest, a dispute, has about 330). Parsing stops
 * counting there, so a body of a hundred thousand tiny objects costs a parse and no more: walked
 * by validation, such a body cost a second of CPU.
 */
const MAX_VALUES = 10_000;
class TooManyValues extends Error {}

/**
 * Keys no body may hold: class-transformer skips `__proto__` and `constructor`, and the
 * validation pipe deletes `prototype` keys in place, so validation would never see (nor refuse)
 * them as it refuses every other unknown field: such a field would be dropped without a word.
 */
export const FORBIDDEN_KEYS: readonly string[] = ['__proto__', 'constructor', 'prototype'];

/** The paths (`a.0.b`, as validation names fields) of the forbidden keys in a parsed body. */
function forbiddenKeyPaths(body: object): string[] {
  const found: string[] = [];
  // A loop rather than recursion: a body may nest thousands of levels deep.
  const pending: [object, string][] = [[body, '']];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const [value, path] = next;
    for (const [key, child] of Object.entries(value)) {
      const at = path ? `${path}.${key}` : key;
      if (FORBIDDEN_KEYS.includes(key)) found.push(at);
      if (child !== null && typeof child === 'object') pending.push([child as object, at]);
    }
  }
  return found.sort();
}

/** Whether a string can be stored as PostgreSQL text and jsonb. */
export function isStorableText(value: string): boolean {
  return !UNSTORABLE.test(value);
}

/**
 * Parses JSON bodies without refusing them on the spot: a problem is recorded on the request
 * and answered by BodyGuard, after authentication, so that the refusal order of docs/api.md
 * (401, 403, then 400) holds for bodies too. Every body must be a JSON object of storable text,
 * without `__proto__`, `constructor` or `prototype` keys at any depth.
 */
export function registerJsonBodyParser(fastify: FastifyInstance): void {
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser(
    'application/json',
    { parseAs: 'string' },
    (request, raw: string | Buffer, done) => {
      const text = raw.toString();
      if (text.trim() === '') return done(null, undefined);
      let field: string | undefined;
      let forbidden = false;
      let body: unknown;
      let values = 0;
      try {
        body = JSON.parse(text, (key, value: unknown) => {
          if (++values > MAX_VALUES) throw new TooManyValues();
          if (typeof value === 'string' && !isStorableText(value)) field ??= key || 'body';
          forbidden ||= FORBIDDEN_KEYS.includes(key);
          return value;
        });
      } catch (error) {
        request.bodyError =
          error instanceof TooManyValues
            ? new AppError('VALIDATION_FAILED', 'The request is invalid.', [
                { field: 'body', message: `must hold at most ${MAX_VALUES} values` },
              ])
            : new AppError('MALFORMED_REQUEST', 'The body is not valid JSON.');
        return done(null, undefined);
      }
      if (body === null || typeof body !== 'object' || Array.isArray(body)) {
        request.bodyError = new AppError('VALIDATION_FAILED', 'The body must be a JSON object.', [
          { field: 'body', message: 'must be a JSON object' },
        ]);
      } else if (forbidden) {
        request.bodyError = new AppError(
          'VALIDATION_FAILED',
          'The request is invalid.',
          forbiddenKeyPaths(body).map((path) => ({ field: path, message: 'is not accepted' })),
        );
      } else if (field !== undefined) {
        request.bodyError = new AppError('VALIDATION_FAILED', 'The request is invalid.', [
          { field, message: 'must not contain NUL or unpaired surrogate characters' },
        ]);
      }
      done(null, body);
    },
  );
  // Bodies of any other type stay unread; BodyGuard answers 415 after authentication.
  fastify.removeContentTypeParser('text/plain');
  fastify.addContentTypeParser('*', (request, _payload, done) => {
    request.bodyError = new AppError(
      'UNSUPPORTED_MEDIA_TYPE',
      'Send JSON (application/json), or multipart/form-data for uploads.',
    );
    done(null, undefined);
  });
}
