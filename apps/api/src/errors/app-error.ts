import type { MessageKey, MessageParams } from '../i18n/i18n';

/** Stable error codes: clients switch on these, so they never change meaning. */
export const ERROR_CODES = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  VALIDATION_FAILED: 400,
  MALFORMED_REQUEST: 400,
  REQUEST_TIMEOUT: 408,
  NOT_FOUND: 404,
  INVALID_TRANSITION: 409,
  CONFLICT: 409,
  IDEMPOTENCY_KEY_REUSED: 409,
  IDEMPOTENCY_KEY_IN_PROGRESS: 409,
  ALREADY_RATED: 409,
  PAYOUT_HELD: 409,
  OFFER_ALREADY_OPEN: 409,
  NO_OPEN_OFFER: 409,
  VERSION_MISMATCH: 412,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  HEADERS_TOO_LARGE: 431,
  AMOUNT_EXCEEDS_REFUNDABLE: 422,
  EVIDENCE_MISSING: 422,
  DISPUTE_WINDOW_CLOSED: 422,
  RESPONSE_WINDOW_CLOSED: 422,
  TOO_MANY_ATTACHMENTS: 422,
  EVIDENCE_KIND_MISMATCH: 422,
  QUOTA_EXCEEDED: 422,
  RATING_WINDOW_CLOSED: 422,
  BUSINESS_RULE_VIOLATED: 422,
  OFFER_AMOUNT_INVALID: 422,
  RATE_LIMITED: 429,
  INTERNAL_ERROR: 500,
  DATABASE_UNAVAILABLE: 503,
  RATE_LIMIT_STORE_UNAVAILABLE: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

/** A detail the catalogs word in every language (apps/api/src/i18n), with its values. */
export interface Detail {
  key: MessageKey;
  params?: MessageParams;
}

export interface FieldError {
  field: string;
  /** In English, as the code wrote it. */
  message: string;
  /** The catalog text for other languages: `field.<rule>` in apps/api/src/i18n (never sent). */
  rule?: string;
  /** Values for the rule's `{name}` placeholders. */
  params?: MessageParams;
}

/** An error the client can act on; the global filter renders it as problem+json. */
export class AppError extends Error {
  readonly status: number;

  /**
   * `message` is the English detail (and what the log shows); with `detail`, clients read the
   * catalogs' wording of it in their language instead, English included.
   */
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly errors?: FieldError[],
    readonly detail?: Detail,
  ) {
    super(message);
    this.name = 'AppError';
    this.status = ERROR_CODES[code];
  }
}

export const notFound = (what: string): AppError => new AppError('NOT_FOUND', `${what} not found`);
