// npm run db:migration -- <name>
// Writes the next migration: the SQL that takes a database built by prisma/migrations to what
// prisma/schema.prisma describes, as Prisma's schema engine renders it. Review it, add what the
// engine cannot express (triggers, CHECKs, data moves), then commit it with schema.prisma.
// Needs DATABASE_URL: the migrations are applied to a scratch database on that server, which is
// then dropped; nothing else there is read or written.
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { diffDatabaseToSchema } from './schema-engine.mjs';

const SCHEMA = 'prisma/schema.prisma';
const MIGRATIONS = 'prisma/migrations';

/** @param {string} message */
function fail(message) {
  console.error(message);
  process.exit(1);
}

/** @param {string} url */
async function connect(url) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return client;
}

/** Applies every migration.sql in name order, as our runner does, to an empty database. */
async function applyMigrations(/** @type {string} */ url) {
  const names = (await readdir(MIGRATIONS, { withFileTypes: true }))
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  const client = await connect(url);
  try {
    for (const name of names) {
      const file = path.join(MIGRATIONS, name, 'migration.sql');
      // One simple query per file: function bodies and `;` in strings stay intact.
      await client.query(await readFile(file, 'utf8')).catch((error) => {
        throw new Error(`${file}: ${error.message}`);
      });
    }
  } finally {
    await client.end();
  }
  return names;
}

async function main() {
  const name = process.argv[2];
  if (!name || !/^[a-z][a-z0-9]*(_[a-z0-9]+)*$/.test(name)) {
    fail('usage: npm run db:migration -- <name>   (snake_case: letters, digits, underscores)');
  }
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    fail(
      'DATABASE_URL is not set: the migrations are replayed in a scratch database on that server,\n' +
        'e.g. DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres npm run db:migration -- ' +
        name,
    );
  }

  const scratch = `refund_desk_test_migration_${randomBytes(6).toString('hex')}`;
  if (!scratch.includes('test')) fail(`refusing to create database ${scratch}`);
  const scratchUrl = new URL(serverUrl);
  scratchUrl.pathname = `/${scratch}`;

  const admin = await connect(serverUrl);
  let sql;
  let applied;
  try {
    await admin.query(`CREATE DATABASE ${scratch}`);
    try {
      applied = await applyMigrations(scratchUrl.toString());
      console.error(`replayed ${applied.length} migration(s) in ${scratch}`);
      sql = await diffDatabaseToSchema(scratchUrl.toString(), SCHEMA);
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS ${scratch} WITH (FORCE)`);
    }
  } finally {
    await admin.end();
  }

  if (!sql) {
    console.log('no changes');
    return;
  }
  const timestamp = new Date().toISOString().replace(/\D/g, '').slice(0, 14);
  const dir = path.join(MIGRATIONS, `${timestamp}_${name}`);
  // Runners apply in name order: a new migration sorting before an existing one would be skipped.
  const last = applied.at(-1);
  if (last && last >= path.basename(dir)) fail(`${dir} would not sort after ${last}`);
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, 'migration.sql'), sql);
  console.log(sql);
  console.error(`wrote ${path.join(dir, 'migration.sql')}: review it before committing`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
