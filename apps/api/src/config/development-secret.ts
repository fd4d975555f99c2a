import { randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigError } from './load-config';

/**
 * The HS256 secret of a checkout run without AUTH_JWT_SECRET (never production: it is required
 * there): random, made once in `<dataDir>/jwt-secret` and kept, so that the service and
 * `npm run token` agree while no secret anyone could read in the source is ever accepted.
 */
export function developmentSecret(dataDir: string): string {
  const file = developmentSecretFile(dataDir);
  try {
    return read(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  create(file);
  return read(file);
}

export function developmentSecretFile(dataDir: string): string {
  return path.join(dataDir, 'jwt-secret');
}

function create(file: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  // Written whole under a name of its own, then linked into place. A link never replaces a file,
  // so of instances starting at once exactly one secret is kept, and each reads that one back.
  const temp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}`;
  writeFileSync(temp, `${randomBytes(32).toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
  try {
    linkSync(temp, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    rmSync(temp, { force: true });
  }
}

function read(file: string): string {
  const secret = readFileSync(file, 'utf8').trim();
  if (secret.length < 32) {
    throw new ConfigError(
      'AUTH_JWT_SECRET',
      `is unset and ${file} holds no secret of 32+ characters (delete it to make a new one)`,
    );
  }
  return secret;
}
