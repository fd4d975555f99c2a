import { ApiHeader } from '@nestjs/swagger';

/** The OpenAPI description of the If-Match header of actions and PATCH. */
export const IF_MATCH = ApiHeader({
  name: 'If-Match',
  required: false,
  description: 'The version you last saw, e.g. "3": a stale one answers 412 VERSION_MISMATCH',
});
