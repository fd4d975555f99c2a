import type { OpenAPIObject } from '@nestjs/swagger';
import { ERROR_CODES, ErrorCode } from './app-error';
import { problemExample } from './problem-examples';

type Responses = Record<string, { description?: string; content?: unknown }>;

const PROBLEM_SCHEMA = {
  type: 'object',
  description:
    'RFC 9457 problem details. title, detail and errors[].message follow Accept-Language ' +
    '(id, zh, en: the default); Content-Language names the one chosen. code and ' +
    'errors[].field never change.',
  required: ['type', 'title', 'status', 'detail', 'code', 'requestId'],
  properties: {
    type: { type: 'string', format: 'uri' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    code: { type: 'string', enum: Object.keys(ERROR_CODES) },
    errors: {
      type: 'array',
      items: {
        type: 'object',
        properties: { field: { type: 'string' }, message: { type: 'string' } },
      },
    },
    requestId: { type: 'string' },
  },
};

/** Errors any route may answer, whatever its own documentation says. */
const COMMON: Record<string, string> = {
  '400': 'VALIDATION_FAILED or MALFORMED_REQUEST: the request is malformed or invalid',
  '429': 'RATE_LIMITED: too many requests from this caller',
  '503': 'DATABASE_UNAVAILABLE: retry later',
};

/**
 * Gives every error response of the document the problem+json schema, and adds the errors that
 * every route shares (400, 401 on authenticated routes, 429, 503) where a route does not list them.
 */
export function documentProblems(document: OpenAPIObject): OpenAPIObject {
  document.components = { ...document.components };
  document.components.schemas = { ...document.components.schemas, Problem: PROBLEM_SCHEMA };
  const content = {
    'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } },
  };
  for (const operations of Object.values(document.paths)) {
    for (const operation of Object.values(operations as Record<string, unknown>)) {
      if (!operation || typeof operation !== 'object' || !('responses' in operation)) continue;
      const op = operation as { responses: Responses; security?: unknown[] };
      const shared = op.security?.length
        ? { ...COMMON, '401': 'UNAUTHENTICATED: no valid bearer token' }
        : COMMON;
      for (const [status, description] of Object.entries(shared)) {
        op.responses[status] ??= { description };
      }
      for (const [status, response] of Object.entries(op.responses)) {
        if (Number(status) < 400) continue;
        // Each response shows the problems it documents: the codes its description names.
        const named = (response.description ?? '').match(/\b[A-Z][A-Z_]{2,}\b/g) ?? [];
        const codes = [...new Set(named)].filter(
          (code): code is ErrorCode => ERROR_CODES[code as ErrorCode] === Number(status),
        );
        const examples = Object.fromEntries(
          (codes.length ? codes : [defaultCode(Number(status))])
            .flatMap((code) => (code ? problemExample(code) : []))
            .map(([name, value]) => [name, { value }]),
        );
        response.content = {
          'application/problem+json': { ...content['application/problem+json'], examples },
        };
      }
    }
  }
  return document;
}

/** The code a status answers with when a response names none. */
function defaultCode(status: number): ErrorCode | undefined {
  const codes = Object.entries(ERROR_CODES).filter(([, s]) => s === status);
  return codes[0]?.[0] as ErrorCode | undefined;
}
