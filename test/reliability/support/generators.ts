import fc from 'fast-check';
import { JSON_BODY_LIMIT } from '../../../apps/api/src/create-app';

/** JSON literals, written raw so that values JSON.stringify cannot produce get through too. */
const HOSTILE_LITERALS = [
  '1e309',
  '-1e309',
  '-0',
  '0',
  '-1',
  '1.5',
  '1e-400',
  '9007199254740993',
  '-9007199254740993',
  '123456789012345678901234567890',
  'true',
  'null',
  '[]',
  '{}',
  '""',
  '" "',
  `"${'\\u0000'}"`,
  '"a\\u0000b"',
  '"\\ud800"',
  '"\\udfff lone"',
  '"\\u202eRTL override\\u202c"',
  '"مرحبا بالعالم"',
  '"😀👨‍👩‍👧‍👦🏳️‍🌈"',
  '"\\u0007\\u001b[31m\\r\\n"',
  `"' OR 1=1; DROP TABLE refunds; --"`,
  '"\\"; SELECT pg_sleep(5); --"',
  '"../../../../etc/passwd"',
  '"%2e%2e%2f%2e%2e%2f"',
  '"%00"',
  '"<script>alert(1)</script>"',
  '"${jndi:ldap://127.0.0.1/a}"',
  '"00000000-0000-0000-0000-000000000000"',
  '"not-a-uuid"',
  '"2026-02-30T25:61:00Z"',
  '"-271821-04-20T00:00:00Z"',
  '{"$gt":""}',
  '{"__proto__":{"polluted":true}}',
  '[1,[2,[3,[4]]]]',
  '[' + '"x",'.repeat(5000) + '"x"]',
  '['.repeat(10_000) + ']'.repeat(10_000),
  '{"a":'.repeat(5_000) + '1' + '}'.repeat(5_000),
  JSON.stringify('x'.repeat(5_000)),
  JSON.stringify('ü'.repeat(300_000)),
];

/** A raw JSON value: a hostile literal, or random JSON, strings (any code unit) and numbers. */
export const hostileValue: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...HOSTILE_LITERALS) },
  {
    weight: 1,
    arbitrary: fc.string({ unit: 'binary', maxLength: 40 }).map((s) => JSON.stringify(s)),
  },
  {
    weight: 1,
    arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }).map((s) => JSON.stringify(s)),
  },
  { weight: 1, arbitrary: fc.double().map((n) => JSON.stringify(n)) },
  { weight: 1, arbitrary: fc.bigInt().map((n) => n.toString()) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)) },
);

/** Whole bodies that are not what any route wants. */
const HOSTILE_BODIES = [
  '',
  '{',
  '{"a":',
  '{"a":1,}',
  "{'a':1}",
  '{"a":1}{"b":2}',
  '[]',
  '"text"',
  'null',
  '42',
  '\u0000',
  '\ufeff{}',
  '{"amount":1,"amount":2}',
  '{"__proto__":{"isAdmin":true}}',
  '{"constructor":{"prototype":{"isAdmin":true}}}',
  '['.repeat(10_000) + ']'.repeat(10_000),
  '{"a":'.repeat(10_000) + '1' + '}'.repeat(10_000),
  // Near and over the body limit, and a body of many tiny objects just under it.
  JSON.stringify({ description: 'x'.repeat(JSON_BODY_LIMIT - 100) }),
  JSON.stringify({ description: 'x'.repeat(JSON_BODY_LIMIT + 10) }),
  `{"x":[${Array(Math.floor((JSON_BODY_LIMIT - 10) / 3))
    .fill('{}')
    .join(',')}]}`,
];

/** Path segments put where an id goes. */
const HOSTILE_IDS = [
  '..',
  '..%2f..%2fetc%2fpasswd',
  '%2e%2e',
  '%2e%2e%2f%2e%2e',
  '%00',
  'a%00b',
  '%FF%FE',
  '%',
  "'%20OR%201=1--",
  '1;DROP%20TABLE%20refunds',
  '00000000-0000-0000-0000-000000000000',
  'ffffffff-ffff-ffff-ffff-ffffffffffff',
  '00000000-0000-4000-8000-00000000000g',
  '-1',
  '1e309',
  'x'.repeat(2_000),
  '%F0%9F%98%80',
  '%E2%80%AE',
  '%20',
  'null',
  'undefined',
  '__proto__',
  'constructor',
];

const HOSTILE_QUERIES = [
  'limit=1e309',
  'limit=-0',
  'limit=0',
  'limit=101',
  'limit=9007199254740993',
  'limit=abc',
  'limit=1&limit=2',
  'limit[]=1',
  'cursor=%00',
  'cursor=not-base64!',
  'cursor=W10',
  'cursor=WyJ4Il0',
  'cursor=' + 'A'.repeat(10_000),
  'status=DRAFT%27%20OR%201=1--',
  'status[]=DRAFT',
  'status=DRAFT&status=SUBMITTED',
  'reviewOverdue=maybe',
  'breached=%00',
  'type=refund.%2e%2e',
  'transactionId=%27;--',
  '__proto__[polluted]=1',
  'constructor[prototype][polluted]=1',
  'unknown=1',
  'refundId=not-a-uuid',
  'priority=%F0%9F%98%80',
];

const CONTENT_TYPES = [
  'text/plain',
  'application/xml',
  'application/x-www-form-urlencoded',
  'application/json; charset=utf-16',
  'application/json; charset=latin1',
  'application/jsonx',
  'multipart/form-data',
  'multipart/form-data; boundary=',
  'image/png',
  '*/*',
  'application/problem+json',
];

const HEADER_ATTACKS: [string, string][] = [
  ['If-Match', '"abc"'],
  ['If-Match', '"-1"'],
  ['If-Match', '"9007199254740993"'],
  ['If-Match', '*'],
  ['If-Match', 'W/"1"'],
  ['If-Match', '"1", "2"'],
  ['Idempotency-Key', 'k'.repeat(10_000)],
  ['Idempotency-Key', ''],
  ['Idempotency-Key', '\u00e9\u00e8'],
  ['X-Request-Id', 'x'.repeat(500)],
  ['X-Request-Id', '<script>'],
  ['Accept', 'application/xml'],
  ['Accept-Encoding', 'gzip;q=1e309'],
  ['X-Forwarded-For', '127.0.0.1, ::1, 999.999.999.999'],
];

/** Multipart bodies, well-formed or not, as raw text with their Content-Type. */
export const B = 'hostileboundary';
export const part = (name: string, value: string, file?: string, type = 'text/plain') =>
  `--${B}\r\nContent-Disposition: form-data; name="${name}"${file === undefined ? '' : `; filename="${file}"`}\r\nContent-Type: ${type}\r\n\r\n${value}\r\n`;
export const MULTIPART: string[] = [
  `--${B}\r\nContent-Disposition: form-data; name="kind"\r\n\r\nPHOTO`, // never closed
  `--${B}--\r\n`, // no parts
  part('kind', 'PHOTO') + `--${B}--\r\n`, // no file
  part('file', 'hello', 'a.txt') + `--${B}--\r\n`, // no kind
  part('kind', 'SELFIE') + part('file', 'hello', 'a.txt') + `--${B}--\r\n`,
  part('kind', 'PHOTO') +
    part('file', 'MZ\u0090\u0000binary', 'evil.exe', 'image/png') +
    `--${B}--\r\n`,
  part('kind', 'PHOTO') + part('file', 'a', '../../etc/passwd') + `--${B}--\r\n`,
  part('kind', 'PHOTO') + part('file', 'a', 'a\u0000b.txt') + `--${B}--\r\n`,
  part('kind', 'OTHER') +
    part('file', 'one', 'a.txt') +
    part('file', 'two', 'b.txt') +
    `--${B}--\r\n`,
  part('kind', 'OTHER') + part('extra', 'x') + part('file', 'one', 'a.txt') + `--${B}--\r\n`,
  part('kind', 'x'.repeat(5_000)) + part('file', 'one', 'a.txt') + `--${B}--\r\n`,
  part('kind', 'OTHER') + part('file', '', 'empty.txt') + `--${B}--\r\n`,
  `--${B}\r\nContent-Disposition: form-data\r\n\r\nnameless\r\n--${B}--\r\n`,
  `garbage before any boundary\r\n--other--\r\n`,
  `--${B}\r\nContent-Disposition: form-data; name="kind"; filename*=UTF-8''%F0%9F%98%80\r\n\r\nPHOTO\r\n--${B}--\r\n`,
];

export type Attack =
  | { kind: 'field'; key: 'existing' | 'unknown' | '__proto__'; pick: number; value: string }
  | { kind: 'body'; body: string }
  | { kind: 'contentType'; contentType: string }
  | { kind: 'path'; id: string; pick: number }
  | { kind: 'query'; query: string }
  | { kind: 'header'; header: [string, string] }
  | { kind: 'multipart'; body: string; boundary: string };

export const attack: fc.Arbitrary<Attack> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('field' as const),
      key: fc.constantFrom(
        'existing' as const,
        'existing' as const,
        'unknown' as const,
        '__proto__' as const,
      ),
      pick: fc.nat(),
      value: hostileValue,
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('body' as const),
      body: fc.constantFrom(...HOSTILE_BODIES),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('contentType' as const),
      contentType: fc.constantFrom(...CONTENT_TYPES),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('path' as const),
      id: fc.constantFrom(...HOSTILE_IDS),
      pick: fc.nat(),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('query' as const),
      query: fc.constantFrom(...HOSTILE_QUERIES),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('header' as const),
      header: fc.constantFrom(...HEADER_ATTACKS),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('multipart' as const),
      body: fc.constantFrom(...MULTIPART),
      boundary: fc.constantFrom(B, B, 'wrong', ''),
    }),
  },
);
