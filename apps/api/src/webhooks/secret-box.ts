import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import type { AppConfig } from '../config/app-config';

/**
 * Signing secrets at rest. With WEBHOOK_SECRET_KEY set, a secret is stored sealed:
 * `aes256gcm:<key id>:<iv>:<tag>:<ciphertext>` (AES-256-GCM, base64url parts), where the key id
 * (the first 8 hex characters of the key's SHA-256) says which key sealed it, so a row sealed
 * with a key the service does not have is recognised as such, never decrypted into garbage.
 * Without a key (development only) secrets are stored as they are.
 */
const SCHEME = 'aes256gcm';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** A stored secret that the configured keys cannot open. */
export class UnreadableSecretError extends Error {
  constructor(
    readonly keyId: string | undefined,
    problem: string,
  ) {
    super(problem);
    this.name = 'UnreadableSecretError';
  }
}

/** The keys that open stored secrets: WEBHOOK_SECRET_KEY, then WEBHOOK_SECRET_KEY_PREVIOUS. */
export function secretKeys(config: AppConfig): Buffer[] {
  return [config.webhookSecretKey, config.webhookSecretKeyPrevious].filter(
    (key): key is Buffer => key !== undefined,
  );
}

export function secretKeyId(key: Buffer): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 8);
}

/** The id of the key a stored secret was sealed with; undefined for a plain one. */
export function sealedWith(stored: string): string | undefined {
  return stored.startsWith(`${SCHEME}:`) ? stored.split(':')[1] : undefined;
}

/** The secret as stored: sealed with `key`, or as it is without one. */
export function sealSecret(secret: string, key: Buffer | undefined): string {
  if (!key) return secret;
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const ciphertext = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
  return [SCHEME, secretKeyId(key), iv, cipher.getAuthTag(), ciphertext]
    .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
    .join(':');
}

/**
 * The secret a stored value holds. A plain value is itself (rows from before a key was set);
 * a sealed one needs the key whose id it records, among `keys`.
 */
export function openSecret(stored: string, keys: Buffer[]): string {
  const keyId = sealedWith(stored);
  if (keyId === undefined) return stored;
  const key = keys.find((candidate) => secretKeyId(candidate) === keyId);
  if (!key) {
    throw new UnreadableSecretError(
      keyId,
      keys.length === 0
        ? `sealed with key ${keyId}, but WEBHOOK_SECRET_KEY is not set`
        : `sealed with key ${keyId}, which is not the configured WEBHOOK_SECRET_KEY (${keys.map(secretKeyId).join(', ')})`,
    );
  }
  try {
    const [, , iv, tag, ciphertext] = stored
      .split(':')
      .map((part) => Buffer.from(part, 'base64url'));
    // The tag's full length is required: GCM would otherwise accept a truncated one.
    const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
  } catch {
    throw new UnreadableSecretError(keyId, `sealed with key ${keyId}, but it does not open`);
  }
}
