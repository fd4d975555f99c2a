import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { readMigrations } from '../apps/api/src/database/migrator';
import { catalogSnapshot, ENGINE_SECTIONS, HAND_WRITTEN_SECTIONS } from './support/catalog';
import { createEmptyTestDatabase, createTestDatabase, type TestDatabase } from './support/database';

const ROOT = path.resolve(__dirname, '..');

/** schema.prisma as Prisma's schema engine renders it; a child process keeps ESM + wasm out of Jest. */
async function renderSchemaSql(): Promise<string> {
  const { stdout } = await promisify(execFile)(process.execPath, ['scripts/schema-engine.mjs'], {
    cwd: ROOT,
    maxBuffer: 16 * 1024 * 1024,
  });
  return stdout;
}

async function withClient<T>(db: TestDatabase, use: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: db.url });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

/** What `actual` lacks and what it has beyond `expected`: a readable failure, unlike a long array diff. */
function compare(
  expected: string[],
  actual: string[],
): { missing: string[]; unexpected: string[] } {
  return {
    missing: expected.filter((line) => !actual.includes(line)),
    unexpected: actual.filter((line) => !expected.includes(line)),
  };
}

const SAME = { missing: [], unexpected: [] };

describe('schema.prisma and prisma/migrations', () => {
  const databases: TestDatabase[] = [];
  let fromSchema: string[];
  let fromMigrations: string[];

  beforeAll(async () => {
    const [sql, schemaDb, migrationsDb] = await Promise.all([
      renderSchemaSql(),
      createEmptyTestDatabase(),
      createEmptyTestDatabase(),
    ]);
    databases.push(schemaDb, migrationsDb);
    fromSchema = await withClient(schemaDb, async (client) => {
      await client.query(sql);
      return catalogSnapshot(client, ENGINE_SECTIONS);
    });
    const migrations = await readMigrations();
    fromMigrations = await withClient(migrationsDb, async (client) => {
      for (const migration of migrations) await client.query(migration.sql);
      return catalogSnapshot(client, ENGINE_SECTIONS);
    });
  });

  afterAll(async () => {
    await Promise.all(databases.map((db) => db.drop()));
  });

  it('build the same tables, columns, indexes, constraints and enums', () => {
    // missing: in schema.prisma, built by no migration (write one: npm run db:migration -- <name>);
    // unexpected: built by a migration, absent from schema.prisma.
    expect(fromSchema.length).toBeGreaterThan(0);
    expect(compare(fromSchema, fromMigrations)).toEqual(SAME);
  });

  it('would notice a column that only the database has, but not a hand-written trigger', async () => {
    const db = await createTestDatabase();
    databases.push(db);
    await withClient(db, async (client) => {
      // The migrated template (our runner, with its _prisma_migrations) matches the migrations...
      expect(compare(fromMigrations, await catalogSnapshot(client, ENGINE_SECTIONS))).toEqual(SAME);
      const table = fromMigrations.find((line) => line.startsWith('table '))!.split(' ')[1];
      await client.query(`ALTER TABLE ${table} ADD COLUMN drift_probe int`);
      await client.query(`
        CREATE FUNCTION drift_probe_noop() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RETURN NEW; END; $$;
        CREATE TRIGGER drift_probe BEFORE UPDATE ON ${table}
          FOR EACH ROW EXECUTE FUNCTION drift_probe_noop();`);

      // ...until the column is added; the trigger and its function are listed apart.
      expect(compare(fromMigrations, await catalogSnapshot(client, ENGINE_SECTIONS))).toEqual({
        missing: [],
        unexpected: [`column ${table}.drift_probe integer null`],
      });
      const handWritten = await catalogSnapshot(client, HAND_WRITTEN_SECTIONS);
      expect(handWritten).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/^function drift_probe_noop\(\) trigger md5:/),
          expect.stringMatching(/^trigger CREATE TRIGGER drift_probe BEFORE UPDATE/),
        ]),
      );
    });
  });
});
