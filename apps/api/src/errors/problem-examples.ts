import { ERROR_CODES, ErrorCode, FieldError } from './app-error';
import { problemOf, type Problem } from './problem';
import { UNAUTHENTICATED_DETAILS } from './unauthenticated';

const REQUEST_ID = '0f8e1c2a-5b7d-4e3f-9a10-2c4b6d8e0f12';

/** A typical detail per code, as the service words it; the 401s one per kind of refusal. */
const DETAILS: Record<Exclude<ErrorCode, 'UNAUTHENTICATED'>, string> = {
  FORBIDDEN: 'The merchant role may not do this.',
  VALIDATION_FAILED: 'The request is invalid.',
  MALFORMED_REQUEST: 'The request body is not valid JSON.',
  REQUEST_TIMEOUT: 'The request took too long to arrive.',
  NOT_FOUND: 'Refund not found',
  INVALID_TRANSITION: 'Cannot approve a refund that is REJECTED.',
  CONFLICT: 'The refund already has an open case.',
  IDEMPOTENCY_KEY_REUSED: 'This Idempotency-Key was used with another request.',
  IDEMPOTENCY_KEY_IN_PROGRESS: 'A request with this Idempotency-Key is still running; retry.',
  VERSION_MISMATCH: 'The refund has changed since version 2: read it again.',
  PAYLOAD_TOO_LARGE: 'The request body is too large.',
  UNSUPPORTED_MEDIA_TYPE: 'Only PNG, JPEG and PDF files are accepted.',
  HEADERS_TOO_LARGE: 'The request headers or URL are too large.',
  AMOUNT_EXCEEDS_REFUNDABLE: 'The amount exceeds the 700000 still refundable on this payment.',
  EVIDENCE_MISSING: 'This reason needs a photo before the refund can be submitted.',
  DISPUTE_WINDOW_CLOSED: 'The dispute window closed at 2026-12-14T10:00:00.000Z.',
  RESPONSE_WINDOW_CLOSED: "The merchant's response window has closed.",
  TOO_MANY_ATTACHMENTS: 'A refund holds at most 10 attachments.',
  EVIDENCE_KIND_MISMATCH: 'The file is not an image, as a PHOTO must be.',
  QUOTA_EXCEEDED: 'You have too many open drafts; submit or cancel one first.',
  ALREADY_RATED: 'The case was rated already.',
  RATING_WINDOW_CLOSED: 'A case may be rated within 14 days of being solved.',
  PAYOUT_HELD: "The customer's payouts are held while their security report is open.",
  OFFER_ALREADY_OPEN: 'An offer is already open on this refund.',
  NO_OPEN_OFFER: 'There is no open offer on this refund.',
  OFFER_AMOUNT_INVALID: "The offer must be below the refund's amount of 150000.",
  BUSINESS_RULE_VIOLATED: 'A solved case can be reopened by its customer within 7 days.',
  RATE_LIMITED: 'Too many requests; slow down and retry.',
  INTERNAL_ERROR: 'Unexpected error; it has been logged.',
  DATABASE_UNAVAILABLE: 'The database is unavailable; retry later.',
  RATE_LIMIT_STORE_UNAVAILABLE: 'The rate limit store is unavailable; retry later.',
};

const FIELD_ERRORS: Partial<Record<ErrorCode, FieldError[]>> = {
  VALIDATION_FAILED: [
    {
      field: 'amount',
      message:
        'amount must be a whole number of minor units from 1 to 9007199254740991, sent as a ' +
        'JSON number (150000, not "150000")',
    },
  ],
};

/** Named examples of the problem a code answers with (`UNAUTHENTICATED`: one per refusal). */
export function problemExample(code: ErrorCode): [string, Problem][] {
  const status = ERROR_CODES[code];
  if (code === 'UNAUTHENTICATED') {
    return Object.entries(UNAUTHENTICATED_DETAILS).map(([kind, detail]) => [
      `UNAUTHENTICATED (${kind})`,
      problemOf(status, code, detail, REQUEST_ID),
    ]);
  }
  return [[code, problemOf(status, code, DETAILS[code], REQUEST_ID, FIELD_ERRORS[code])]];
}
