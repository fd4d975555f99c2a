import { chmod, mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { startEmbeddedPostgres } from '../../apps/api/src/database/embedded-postgres';
import { migrate } from '../../apps/api/src/database/migrator';
import { adminClient, assertTestDatabaseName, TEMPLATE_ENV, ADMIN_ENV, APP_ENV } from './database';

/**
 * Once per `npm test`: picks the server (DATABASE_URL, or an embedded PostgreSQL of our own)
 * and builds a migrated template database that every test file clones. With
 * DATABASE_DIRECT_URL also set (DATABASE_URL being a pooler), the databases are created and
 * migrated through the direct one, and the apps connect through the pooler.
 */
export default async function globalSetup(): Promise<void> {
  const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'warn' });
  let serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'refund-desk-test-pg-'));
    // Run as root, PostgreSQL runs as the `postgres` user, which must reach the folder.
    await chmod(dataDir, 0o755);
    const embedded = await startEmbeddedPostgres({
      dataDir: path.join(dataDir, 'data'),
      database: 'refund_desk_test',
      logger,
      fast: true,
    });
    serverUrl = embedded.url;
    (globalThis as Record<string, unknown>).__EMBEDDED_PG__ = {
      stop: () => embedded.stop(),
      // The cluster is elsewhere when the `postgres` user cannot reach the temporary folder.
      dataDirs: [dataDir, embedded.dataDir],
    };
  }
  process.env[APP_ENV] = serverUrl;
  process.env[ADMIN_ENV] = process.env.DATABASE_DIRECT_URL || serverUrl;
  // Names the server's `postgres` database: a process a test starts must not inherit it.
  delete process.env.DATABASE_DIRECT_URL;
  const template = `refund_desk_test_template_${process.pid}`;
  assertTestDatabaseName(template);
  process.env[TEMPLATE_ENV] = template;

  const admin = await adminClient();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${template}`);
    await admin.query(`CREATE DATABASE ${template}`);
  } finally {
    await admin.end();
  }
  const url = new URL(process.env[ADMIN_ENV]);
  url.pathname = `/${template}`;
  await migrate(url.toString(), logger);
}
