import { HttpException } from '@nestjs/common';
import { ThrottlerException } from '@nestjs/throttler';
import { DEFAULT_LANGUAGE, hasKey, Language, translate } from '../i18n/i18n';
import { AppError, Detail, ErrorCode, FieldError } from './app-error';

/** RFC 9457 problem details, as every error response carries them. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ErrorCode;
  errors?: FieldError[];
  requestId: string;
}

const HTTP_STATUS_CODES: Record<number, ErrorCode> = {
  400: 'MALFORMED_REQUEST',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  409: 'CONFLICT',
  412: 'VERSION_MISMATCH',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'RATE_LIMITED',
};

// Errors from the pg driver that mean "the database cannot be reached right now".
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  // The server's time-out on a statement of a unit of work (`database.ts`), or a cancel.
  '57014',
  '57P01',
  '57P02',
  '57P03',
  '08000',
  '08001',
  '08003',
  '08006',
]);
// A prepared statement a migration made stale ends its connection; the retry gets a fresh one.
const UNAVAILABLE_MESSAGE =
  /connection terminated|timeout exceeded when trying to connect|query read timeout|connection refused|can't reach database|server closed the connection|cached plan must not change result type|is not queryable|ECONNREFUSED|ECONNRESET/i;

export function isDatabaseUnavailable(error: unknown, depth = 0): boolean {
  if (!error || typeof error !== 'object' || depth > 5) return false;
  const { code, message, cause } = error as { code?: unknown; message?: unknown; cause?: unknown };
  if (typeof code === 'string' && UNAVAILABLE_CODES.has(code)) return true;
  if (typeof message === 'string' && UNAVAILABLE_MESSAGE.test(message)) return true;
  return isDatabaseUnavailable(cause, depth + 1);
}

/**
 * The problem in the caller's language. A detail the catalogs word (`Detail`) is said in every
 * language; a plain one is English, kept as written (the most specific), while other languages
 * take the catalog's text for the code. Field errors alike, by their rule. `code` and
 * `errors[].field` never change.
 */
export function problemOf(
  status: number,
  code: ErrorCode,
  detail: string | Detail,
  requestId: string,
  errors?: FieldError[],
  language: Language = DEFAULT_LANGUAGE,
): Problem {
  const titleKey = `problem.title.${status}`;
  const english = language === DEFAULT_LANGUAGE;
  return {
    type: `https://refund-desk.dev/problems/${code.toLowerCase().replace(/_/g, '-')}`,
    title: translate(language, hasKey(titleKey) ? titleKey : 'problem.title.other'),
    status,
    detail:
      typeof detail !== 'string'
        ? translate(language, detail.key, detail.params)
        : english
          ? detail
          : translate(language, `problem.detail.${code}`),
    code,
    ...(errors && errors.length > 0
      ? { errors: errors.map((error) => fieldError(error, english ? undefined : language)) }
      : {}),
    requestId,
  };
}

function fieldError(error: FieldError, language: Language | undefined): FieldError {
  const key = `field.${error.rule ?? ''}`;
  const message =
    language && error.rule && hasKey(key) ? translate(language, key, error.params) : error.message;
  return { field: error.field, message };
}

interface HttpLike {
  code?: string;
  statusCode: number;
}

/** Errors thrown by Fastify itself (body parsing, limits), before a route handler runs. */
function fastifyProblem(error: HttpLike, id: string, language: Language) {
  switch (error.code ?? '') {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
    case 'FST_REQ_FILE_TOO_LARGE': {
      const detail = 'The request body is too large.';
      return problemOf(413, 'PAYLOAD_TOO_LARGE', detail, id, undefined, language);
    }
    default:
      if (error.statusCode >= 400 && error.statusCode < 500) {
        const code = HTTP_STATUS_CODES[error.statusCode] ?? 'MALFORMED_REQUEST';
        const detail = 'The request could not be processed.';
        return problemOf(error.statusCode, code, detail, id, undefined, language);
      }
      return undefined;
  }
}

/**
 * Turns anything thrown into the problem a client sees. Unknown errors become a bare 500 (the
 * caller logs them): no stack, SQL or driver message ever leaves the service.
 */
export function toProblem(
  error: unknown,
  requestId: string,
  language: Language = DEFAULT_LANGUAGE,
): Problem {
  if (error instanceof AppError) {
    const detail = error.detail ?? error.message;
    return problemOf(error.status, error.code, detail, requestId, error.errors, language);
  }
  if (error instanceof ThrottlerException) {
    const detail = 'Too many requests; slow down and retry.';
    return problemOf(429, 'RATE_LIMITED', detail, requestId, undefined, language);
  }
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const code = HTTP_STATUS_CODES[status] ?? (status >= 500 ? 'INTERNAL_ERROR' : 'CONFLICT');
    const detail =
      status === 404 ? 'No such resource.' : status >= 500 ? 'Unexpected error.' : error.message;
    return problemOf(status, code, detail, requestId, undefined, language);
  }
  if (isDatabaseUnavailable(error)) {
    const detail = 'The database is unavailable; retry later.';
    return problemOf(503, 'DATABASE_UNAVAILABLE', detail, requestId, undefined, language);
  }
  // Fastify's own errors, and http-errors from its plugins (static files: 403 on a path that
  // tries to leave the folder), carry their status.
  if (error && typeof error === 'object' && typeof (error as HttpLike).statusCode === 'number') {
    const fromFastify = fastifyProblem(error as HttpLike, requestId, language);
    if (fromFastify) return fromFastify;
  }
  const detail = 'Unexpected error; it has been logged.';
  return problemOf(500, 'INTERNAL_ERROR', detail, requestId, undefined, language);
}

/**
 * The raw HTTP answer to a request Node's parser refused before Fastify saw it (headers over
 * the size limit, a timeout, broken HTTP): problem+json like every other error.
 */
export function clientErrorResponse(error: { code?: string }, requestId: string): string {
  const body =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? problemOf(431, 'HEADERS_TOO_LARGE', 'The request headers or URL are too large.', requestId)
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? problemOf(408, 'REQUEST_TIMEOUT', 'The request took too long to arrive.', requestId)
        : problemOf(400, 'MALFORMED_REQUEST', 'The request is not valid HTTP.', requestId);
  const text = JSON.stringify(body);
  return (
    `HTTP/1.1 ${body.status} ${body.title}\r\n` +
    `Content-Type: application/problem+json\r\nContent-Length: ${Buffer.byteLength(text)}\r\n` +
    `X-Request-Id: ${requestId}\r\nConnection: close\r\n\r\n${text}`
  );
}
