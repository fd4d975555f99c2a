/**
 * Why a token is refused: past its `exp`; signed with another key; or anything else (not a JWT,
 * another algorithm, claims this service does not accept).
 */
export type TokenRefusal = 'expired' | 'bad-signature' | 'invalid';

/** What a 401 says, per refusal (and for no token at all). */
export const UNAUTHENTICATED_DETAILS: Record<TokenRefusal | 'missing', string> = {
  missing: 'No bearer token was sent: send Authorization: Bearer <token>.',
  expired: 'The bearer token has expired: sign in again.',
  'bad-signature': 'The bearer token is not signed by this service.',
  invalid:
    'The bearer token is not valid: not a token of this service, or with claims it does not accept.',
};
