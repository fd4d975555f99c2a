import { randomBytes } from 'node:crypto';
import {
  openSecret,
  sealedWith,
  sealSecret,
  secretKeyId,
  UnreadableSecretError,
} from './secret-box';

describe('webhook secrets at rest', () => {
  const key = randomBytes(32);
  const otherKey = randomBytes(32);
  const secret = 'whsec_abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';

  it('seal with AES-256-GCM under a key id, and open again', () => {
    const sealed = sealSecret(secret, key);
    expect(sealed).not.toContain(secret);
    expect(sealed).toMatch(/^aes256gcm:[0-9a-f]{8}:[\w-]{16}:[\w-]{22}:[\w-]+$/);
    expect(sealedWith(sealed)).toBe(secretKeyId(key));
    expect(secretKeyId(key)).toBe(secretKeyId(Buffer.from(key)));
    expect(sealSecret(secret, key)).not.toBe(sealed); // a fresh iv each time
    expect(openSecret(sealed, [key])).toBe(secret);
    expect(openSecret(sealed, [otherKey, key])).toBe(secret);
  });

  it('store and read plain without a key (development)', () => {
    expect(sealSecret(secret, undefined)).toBe(secret);
    expect(sealedWith(secret)).toBeUndefined();
    expect(openSecret(secret, [])).toBe(secret);
    expect(openSecret(secret, [key])).toBe(secret);
  });

  it('refuse, naming the key id, a secret sealed with another key, or none configured', () => {
    const sealed = sealSecret(secret, key);
    expect(() => openSecret(sealed, [otherKey])).toThrow(UnreadableSecretError);
    expect(() => openSecret(sealed, [otherKey])).toThrow(new RegExp(secretKeyId(key)));
    expect(() => openSecret(sealed, [])).toThrow(/WEBHOOK_SECRET_KEY is not set/);
  });

  it('refuse a tampered or truncated sealed secret', () => {
    const parts = sealSecret(secret, key).split(':');
    const flipped = Buffer.from(parts[4], 'base64url');
    flipped[0] ^= 1;
    const tampered = [...parts.slice(0, 4), flipped.toString('base64url')].join(':');
    expect(() => openSecret(tampered, [key])).toThrow(UnreadableSecretError);
    const shortTag = [...parts.slice(0, 3), parts[3].slice(0, 6), parts[4]].join(':');
    expect(() => openSecret(shortTag, [key])).toThrow(UnreadableSecretError);
    expect(() => openSecret(parts.slice(0, 3).join(':'), [key])).toThrow(UnreadableSecretError);
  });
});
