import { HttpException } from '@nestjs/common';
import { ThrottlerException } from '@nestjs/throttler';
import { AppError, ErrorCode, FieldError } from './app-error';

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

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  408: 'Request Timeout',
  409: 'Conflict',
  412: 'Precondition Failed',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

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
  '57P01',
  '57P02',
  '57P03',
  '08000',
  '08001',
  '08003',
  '08006',
]);
const UNAVAILABLE_MESSAGE =
  /connection terminated|timeout exceeded when trying to connect|query read timeout|connection refused|can't reach database|server closed the connection|ECONNREFUSED|ECONNRESET/i;

export function isDatabaseUnavailable(error: unknown, depth = 0): boolean {
  if (!error || typeof error !== 'object' || depth > 5) return false;
  const { code, message, cause } = error as { code?: unknown; message?: unknown; cause?: unknown };
  if (typeof code === 'string' && UNAVAILABLE_CODES.has(code)) return true;
  if (typeof message === 'string' && UNAVAILABLE_MESSAGE.test(message)) return true;
  return isDatabaseUnavailable(cause, depth + 1);
}

export function problemOf(
  status: number,
  code: ErrorCode,
  detail: string,
  requestId: string,
  errors?: FieldError[],
): Problem {
  return {
    type: `https://refund-desk.dev/problems/${code.toLowerCase().replace(/_/g, '-')}`,
    title: TITLES[status] ?? 'Error',
    status,
    detail,
    code,
    ...(errors && errors.length > 0 ? { errors } : {}),
    requestId,
  };
}

interface HttpLike {
  code?: string;
  statusCode: number;
}

/** Errors thrown by Fastify itself (body parsing, limits), before a route handler runs. */
function fastifyProblem(error: HttpLike, id: string) {
  switch (error.code ?? '') {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
    case 'FST_REQ_FILE_TOO_LARGE':
      return problemOf(413, 'PAYLOAD_TOO_LARGE', 'The request body is too large.', id);
    default:
      if (error.statusCode >= 400 && error.statusCode < 500) {
        const code = HTTP_STATUS_CODES[error.statusCode] ?? 'MALFORMED_REQUEST';
        return problemOf(error.statusCode, code, 'The request could not be processed.', id);
      }
      return undefined;
  }
}

/**
 * Turns anything thrown into the problem a client sees. Unknown errors become a bare 500 (the
 * caller logs them): no stack, SQL or driver message ever leaves the service.
 */
export function toProblem(error: unknown, requestId: string): Problem {
  if (error instanceof AppError) {
    return problemOf(error.status, error.code, error.message, requestId, error.errors);
  }
  if (error instanceof ThrottlerException) {
    return problemOf(429, 'RATE_LIMITED', 'Too many requests; slow down and retry.', requestId);
  }
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const code = HTTP_STATUS_CODES[status] ?? (status >= 500 ? 'INTERNAL_ERROR' : 'CONFLICT');
    const detail =
      status === 404 ? 'No such resource.' : status >= 500 ? 'Unexpected error.' : error.message;
    return problemOf(status, code, detail, requestId);
  }
  if (isDatabaseUnavailable(error)) {
    return problemOf(
      503,
      'DATABASE_UNAVAILABLE',
      'The database is unavailable; retry later.',
      requestId,
    );
  }
  // Fastify's own errors, and http-errors from its plugins (static files: 403 on a path that
  // tries to leave the folder), carry their status.
  if (error && typeof error === 'object' && typeof (error as HttpLike).statusCode === 'number') {
    const fromFastify = fastifyProblem(error as HttpLike, requestId);
    if (fromFastify) return fromFastify;
  }
  return problemOf(500, 'INTERNAL_ERROR', 'Unexpected error; it has been logged.', requestId);
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
