import { chmod, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import pino from 'pino';
import {
  EmbeddedPostgresError,
  EmbeddedPostgresOptions,
  startEmbeddedPostgres,
} from '../apps/api/src/database/embedded-postgres';
import { packagedBinaries } from '../apps/api/src/database/embedded-postgres-files';

const asRoot = process.getuid?.() === 0;

describe('embedded PostgreSQL started from a folder only its owner can enter', () => {
  let checkout: string;
  let reachableRoot: string;
  let options: EmbeddedPostgresOptions;

  beforeAll(async () => {
    // Like a clone under /root (mode 0700), its binaries inside it. A link is enough: the
    // `postgres` user would have to pass through the 0700 folder to follow it.
    checkout = await mkdtemp(path.join(os.tmpdir(), 'refund-desk-0700-'));
    await chmod(checkout, 0o700);
    await symlink(path.dirname(packagedBinaries().dir), path.join(checkout, 'binaries'));
    reachableRoot = await mkdtemp(path.join(os.tmpdir(), 'refund-desk-reachable-'));
    await chmod(reachableRoot, 0o755);
    options = {
      dataDir: path.join(checkout, '.data', 'postgres'),
      binariesPackage: path.join(checkout, 'binaries'),
      reachableRoot,
      database: 'refund_desk_test',
      logger: pino({ level: 'silent' }),
      fast: true,
    };
  });

  afterAll(async () => {
    await rm(checkout, { recursive: true, force: true });
    await rm(reachableRoot, { recursive: true, force: true });
  });

  async function query(url: string, sql: string): Promise<unknown[]> {
    const client = new Client({ connectionString: url });
    await client.connect();
    try {
      return (await client.query(sql)).rows;
    } finally {
      await client.end();
    }
  }

  it('starts, keeping the cluster where the postgres user reaches it, and finds it again', async () => {
    const first = await startEmbeddedPostgres(options);
    try {
      await query(first.url, 'CREATE TABLE kept (id int); INSERT INTO kept VALUES (1)');
    } finally {
      await first.stop();
    }
    if (asRoot) expect(first.dataDir.startsWith(reachableRoot + path.sep)).toBe(true);
    else expect(first.dataDir).toBe(options.dataDir);

    const second = await startEmbeddedPostgres(options);
    try {
      expect(second.dataDir).toBe(first.dataDir);
      expect(await query(second.url, 'SELECT id FROM kept')).toEqual([{ id: 1 }]);
    } finally {
      await second.stop();
    }
  });

  it('ends in one clear message when its port is taken', async () => {
    const taken = net.createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as net.AddressInfo).port;
    try {
      const started = startEmbeddedPostgres({ ...options, port });
      await expect(started).rejects.toThrow(EmbeddedPostgresError);
      await expect(started).rejects.toThrow(
        /^embedded PostgreSQL did not start: .*could not create any TCP\/IP sockets.* set DATABASE_URL/,
      );
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });

  it('ends in one clear message, not an unhandled error event, when initdb cannot run', async () => {
    const broken = path.join(checkout, 'broken');
    await mkdir(path.join(broken, 'native', 'bin'), { recursive: true });
    await writeFile(path.join(broken, 'package.json'), '{ "version": "0.0.0-broken" }');
    await writeFile(path.join(broken, 'native', 'bin', 'initdb'), 'not a program', { mode: 0o644 });

    await expect(
      startEmbeddedPostgres({ ...options, binariesPackage: broken, dataDir: `${checkout}/other` }),
    ).rejects.toThrow(/^embedded PostgreSQL did not start: .*initdb.* set DATABASE_URL/);
  });
});
