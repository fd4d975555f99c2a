import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cp, mkdtemp, mkdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import pino from 'pino';
import {
  migrate,
  MIGRATIONS_DIR,
  MigrationError,
  readMigrations,
} from '../apps/api/src/database/migrator';
import { createEmptyTestDatabase, TestDatabase } from './support/database';

const logger = pino({ level: 'silent' });
const PRISMA_MIGRATE_LOCK = 72707369;

async function withClient<T>(url: string, fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

function runMigrateCli(databaseUrl: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      ['-r', 'ts-node/register/transpile-only', 'apps/api/src/database/migrate.cli.ts'],
      {
        env: {
          ...process.env,
          DATABASE_URL: databaseUrl,
          DATABASE_DIRECT_URL: '',
          LOG_LEVEL: 'info',
        },
        cwd: path.resolve(__dirname, '..'),
      },
    );
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('close', (code) => resolve({ code, output }));
  });
}

describe('migrations', () => {
  let db: TestDatabase;
  beforeEach(async () => {
    db = await createEmptyTestDatabase();
  });
  afterEach(() => db.drop());

  it('records each migration as Prisma does, with the SHA-256 of its file', async () => {
    const applied = await migrate(db.directUrl, logger);
    const files = await readMigrations();
    expect(applied).toEqual(files.map((file) => file.name));
    const rows = await withClient(db.directUrl, (c) =>
      c.query(
        'SELECT migration_name, checksum, finished_at, applied_steps_count FROM _prisma_migrations ORDER BY migration_name',
      ),
    );
    for (const [index, file] of files.entries()) {
      const sql = await readFile(path.join(MIGRATIONS_DIR, file.name, 'migration.sql'));
      expect(rows.rows[index]).toMatchObject({
        migration_name: file.name,
        checksum: createHash('sha256').update(sql).digest('hex'),
        applied_steps_count: 1,
      });
      expect(rows.rows[index].finished_at).toBeInstanceOf(Date);
    }
    expect(await migrate(db.directUrl, logger)).toEqual([]);
  });

  it('applies each migration once when two processes start together', async () => {
    // Hold the migration lock so both processes are surely waiting on it at the same time.
    const holder = new Client({ connectionString: db.directUrl });
    await holder.connect();
    await holder.query('SELECT pg_advisory_lock($1)', [PRISMA_MIGRATE_LOCK]);
    const first = runMigrateCli(db.directUrl);
    const second = runMigrateCli(db.directUrl);
    let waiting = 0;
    for (let i = 0; i < 200 && waiting < 2; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      const res = await holder.query(
        `SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND objid = $1`,
        [PRISMA_MIGRATE_LOCK],
      );
      waiting = res.rows[0].n;
    }
    expect(waiting).toBe(2);
    await holder.query('SELECT pg_advisory_unlock($1)', [PRISMA_MIGRATE_LOCK]);
    await holder.end();

    const results = await Promise.all([first, second]);
    for (const result of results) expect(result.code).toBe(0);
    const rows = await withClient(db.directUrl, (c) =>
      c.query(
        'SELECT migration_name, count(*)::int AS n FROM _prisma_migrations GROUP BY migration_name',
      ),
    );
    const files = await readMigrations();
    expect(rows.rows).toHaveLength(files.length);
    for (const row of rows.rows) expect(row.n).toBe(1);
  }, 60_000);

  it('rolls a failing migration back whole and stops with a message naming it', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'refund-desk-migrations-'));
    await cp(MIGRATIONS_DIR, dir, { recursive: true });
    const broken = path.join(dir, '99990101000000_broken');
    await mkdir(broken);
    await writeFile(
      path.join(broken, 'migration.sql'),
      'CREATE TABLE probe_half_written (id int);\nSELECT 1 / 0;\n',
    );

    const error = await migrate(db.directUrl, logger, dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MigrationError);
    expect((error as Error).message).toMatch(
      /99990101000000_broken.*rolled back.*division by zero/,
    );

    await withClient(db.directUrl, async (c) => {
      const table = await c.query(`SELECT to_regclass('probe_half_written') AS t`);
      expect(table.rows[0].t).toBeNull();
      const rows = await c.query(
        `SELECT 1 FROM _prisma_migrations WHERE migration_name = '99990101000000_broken'`,
      );
      expect(rows.rowCount).toBe(0);
    });
    // The good migrations before it are in; a fixed file applies on the next start.
    await writeFile(
      path.join(broken, 'migration.sql'),
      'CREATE TABLE probe_half_written (id int);\n',
    );
    expect(await migrate(db.directUrl, logger, dir)).toEqual(['99990101000000_broken']);
  });

  it('refuses to start over a migration that Prisma recorded as failed', async () => {
    await migrate(db.directUrl, logger);
    await withClient(db.directUrl, (c) =>
      c.query(
        `INSERT INTO _prisma_migrations (id, checksum, migration_name, started_at) VALUES ('x', 'y', 'z_failed', now())`,
      ),
    );
    await expect(migrate(db.directUrl, logger)).rejects.toThrow(/z_failed failed earlier/);
  });
});
