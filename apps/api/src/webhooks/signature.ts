import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** How long a replaced secret keeps signing beside the new one after a rotation. */
export const SECRET_OVERLAP_MS = 24 * 3_600_000;

/** A new endpoint's signing secret. */
export function newSigningSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

/**
 * `Refund-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`, one `v1=` per
 * secret (the new one first, then the one it replaced while both sign after a rotation). The
 * timestamp is signed too, so a receiver can refuse old deliveries replayed by someone else.
 */
export function signatureHeader(secrets: string | string[], body: string, at = new Date()): string {
  const t = Math.floor(at.getTime() / 1000);
  const signatures = [secrets].flat().map((secret) => `v1=${hmac(secret, `${t}.${body}`)}`);
  return [`t=${t}`, ...signatures].join(',');
}

/**
 * What a receiver does: recompute the HMAC over the raw body, compare in constant time with each
 * `v1=` (any one may match: its secret's), check the age.
 */
export function verifySignature(
  header: string,
  body: string,
  secret: string,
  toleranceSeconds = 300,
  now = Date.now(),
): boolean {
  const fields = header.split(',').map((part) => part.split('=', 2));
  const t = Number(fields.find(([name]) => name === 't')?.[1]);
  if (!Number.isInteger(t) || Math.abs(now / 1000 - t) > toleranceSeconds) return false;
  const expected = Buffer.from(hmac(secret, `${t}.${body}`), 'hex');
  return fields
    .filter(([name]) => name === 'v1')
    .some(([, v1 = '']) => {
      const given = Buffer.from(v1, 'hex');
      return given.length === expected.length && timingSafeEqual(given, expected);
    });
}

function hmac(secret: string, payload: string): string {
  return createHmac('sha256', secret).update(payload).digest('hex');
}
