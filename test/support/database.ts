import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

export const ADMIN_ENV = 'TEST_DATABASE_ADMIN_URL';
export const TEMPLATE_ENV = 'TEST_DATABASE_TEMPLATE';

export interface TestDatabase {
  url: string;
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

function serverUrl(): string {
  const url = process.env[ADMIN_ENV];
  if (!url) throw new Error(`${ADMIN_ENV} is not set: run the tests through jest (globalSetup)`);
  return url;
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
  const url = new URL(serverUrl());
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
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
