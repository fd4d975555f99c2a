import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

/** The server reached directly: creating, cloning and dropping databases, migrations. */
export const ADMIN_ENV = 'TEST_DATABASE_ADMIN_URL';
/** The server as the app reaches it: DATABASE_URL, which may be a pooler (PgBouncer). */
export const APP_ENV = 'TEST_DATABASE_APP_URL';
export const TEMPLATE_ENV = 'TEST_DATABASE_TEMPLATE';

export interface TestDatabase {
  /** What the app connects to (through the pooler, when the run has one). */
  url: string;
  /** The same database without the pooler: migrations, session-level work. */
  directUrl: string;
  name: string;
  drop(): Promise<void>;
}

/** Tests create, clone and drop databases: never one whose name does not say it is a test's. */
export function assertTestDatabaseName(name: string): void {
  if (!/^[a-z0-9_]*test[a-z0-9_]*$/.test(name)) {
    throw new Error(
      `refusing to touch database "${name}": its name does not mark it as a test database`,
    );
  }
}

function serverUrl(env = ADMIN_ENV): string {
  const url = process.env[env];
  if (!url) throw new Error(`${env} is not set: run the tests through jest (globalSetup)`);
  return url;
}

function databaseUrl(server: string, name: string): string {
  const url = new URL(server);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function adminClient(): Promise<Client> {
  const url = new URL(serverUrl());
  url.pathname = '/postgres';
  const client = new Client({ connectionString: url.toString() });
  await client.connect();
  return client;
}

async function create(template?: string): Promise<TestDatabase> {
  const name = `refund_desk_test_${randomBytes(6).toString('hex')}`;
  assertTestDatabaseName(name);
  const admin = await adminClient();
  try {
    if (template) assertTestDatabaseName(template);
    await admin.query(`CREATE DATABASE ${name}${template ? ` TEMPLATE ${template}` : ''}`);
  } finally {
    await admin.end();
  }
  return {
    url: databaseUrl(process.env[APP_ENV] ?? serverUrl(), name),
    directUrl: databaseUrl(serverUrl(), name),
    name,
    drop: async () => {
      const client = await adminClient();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}

/** A fresh database cloned from the migrated template: every table there, no rows. */
export function createTestDatabase(): Promise<TestDatabase> {
  return create(process.env[TEMPLATE_ENV]);
}

/** A fresh, empty database (no migrations applied). */
export function createEmptyTestDatabase(): Promise<TestDatabase> {
  return create();
}
