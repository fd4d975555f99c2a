import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { developmentSecret } from './development-secret';

describe('developmentSecret', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = path.join(mkdtempSync(path.join(os.tmpdir(), 'refund-desk-secret-')), '.data');
  });
  afterEach(() => rmSync(path.dirname(dataDir), { recursive: true, force: true }));

  it('makes a random secret once, in a file only its owner may read, and keeps it', () => {
    const secret = developmentSecret(dataDir);
    expect(secret).toMatch(/^[0-9a-f]{64}$/);
    const file = path.join(dataDir, 'jwt-secret');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8').trim()).toBe(secret);
    expect(developmentSecret(dataDir)).toBe(secret);
    const elsewhere = path.join(path.dirname(dataDir), 'other');
    expect(developmentSecret(elsewhere)).not.toBe(secret);
  });

  it('refuses a file that holds no usable secret, naming it', () => {
    developmentSecret(dataDir);
    writeFileSync(path.join(dataDir, 'jwt-secret'), 'short\n');
    expect(() => developmentSecret(dataDir)).toThrow(/jwt-secret/);
  });

  it('gives instances starting at once one and the same secret', async () => {
    // Each process waits for the same instant, then reads or makes the secret.
    const startAt = Date.now() + 4000;
    const script = `
      const { developmentSecret } = require(${JSON.stringify(require.resolve('./development-secret'))});
      while (Date.now() < ${startAt});
      console.log(developmentSecret(${JSON.stringify(dataDir)}));`;
    const run = () =>
      promisify(execFile)(process.execPath, [
        '-r',
        'ts-node/register/transpile-only',
        '-e',
        script,
      ]);
    const secrets = await Promise.all([run(), run(), run(), run()]);
    expect(new Set(secrets.map(({ stdout }) => stdout.trim())).size).toBe(1);
    expect(secrets[0].stdout.trim()).toBe(developmentSecret(dataDir));
  }, 30_000);
});
