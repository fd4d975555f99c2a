import { ApiHeader } from '@nestjs/swagger';

/** The OpenAPI description of the If-Match header of actions and PATCH. */
export const IF_MATCH = ApiHeader({
  name: 'If-Match',
  required: false,
  description: 'The version you last saw, e.g. "3": a stale one answers 412 VERSION_MISMATCH',
});

/** The OpenAPI description of the Idempotency-Key header of POSTs. */
export const IDEMPOTENCY_KEY = ApiHeader({
  name: 'Idempotency-Key',
  required: false,
  description: 'Retries with the same key replay the first answer (kept 24 hours)',
});
