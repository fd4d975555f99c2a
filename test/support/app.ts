import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Pool } from 'pg';
import pino from 'pino';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import { Role } from '../../apps/api/src/common/principal';
import { signingKey, signToken } from '../../apps/api/src/auth/token.service';
import { loadConfig } from '../../apps/api/src/config/load-config';
import { AppConfig } from '../../apps/api/src/config/app-config';
import { createApp } from '../../apps/api/src/create-app';
import { FEATURE_MODULES } from '../../apps/api/src/features';
import { createTestDatabase, TestDatabase } from './database';

export const TEST_SECRET = 'refund-desk-test-secret-0123456789abcdef';

/**
 * Quotas out of the way: most tests' one customer opens hundreds of drafts. The quota tests set
 * their own small limits.
 */
export const NO_QUOTAS = {
  MAX_OPEN_DRAFTS_PER_CUSTOMER: '1000000',
  MAX_ATTACHMENT_BYTES_PER_CUSTOMER: String(Number.MAX_SAFE_INTEGER),
};

export interface TestApp {
  app: NestFastifyApplication;
  http: TestAgent;
  config: AppConfig;
  db: TestDatabase;
  /** A valid bearer header value for the principal. */
  bearer(role: Role, id: string): Promise<string>;
  /** Runs one statement on the app's database, beside the app (fixtures seed rows with it). */
  query<R = Record<string, unknown>>(text: string, values?: unknown[]): Promise<R[]>;
  close(): Promise<void>;
}

/**
 * The whole service on a fresh database of its own, configured as a user would through
 * environment variables (`env` overrides the test defaults).
 */
export async function startTestApp(
  env: Record<string, string> = {},
  options: {
    features?: typeof FEATURE_MODULES;
    /** Rewrites the database URL the app uses, e.g. to route it through a proxy. */
    reach?: (url: string) => string;
    /** The console build folder to serve (default: dist/console of this checkout). */
    consoleDir?: string;
    /** The portal build folder to serve (default: dist/portal of this checkout). */
    portalDir?: string;
    /** Another app's database, shared as a second instance would (the owner drops it). */
    database?: TestDatabase;
  } = {},
): Promise<TestApp> {
  const db = options.database ?? (await createTestDatabase());
  const dropDatabase = () => (options.database ? Promise.resolve() : db.drop());
  const config = loadConfig({
    AUTH_JWT_SECRET: TEST_SECRET,
    RATE_LIMIT_PER_MINUTE: '0',
    ...NO_QUOTAS,
    ...env,
    DATABASE_URL: options.reach ? options.reach(db.url) : db.url,
    // Through a pooler (the PgBouncer run), configured as a deployment behind one is.
    DATABASE_DIRECT_URL: db.url === db.directUrl ? '' : db.directUrl,
  });
  const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  let app: NestFastifyApplication;
  try {
    app = await createApp(config, logger, options.features ?? FEATURE_MODULES, {
      consoleDir: options.consoleDir,
      portalDir: options.portalDir,
    });
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  } catch (error) {
    await dropDatabase();
    throw error;
  }
  const key = signingKey(config);
  let pool: Pool | undefined;
  return {
    app,
    http: request(app.getHttpServer()),
    config,
    db,
    bearer: async (role, id) => `Bearer ${await signToken(key, { role, id }, '1h', config)}`,
    query: async <R>(text: string, values: unknown[] = []) => {
      if (!pool) {
        pool = new Pool({ connectionString: db.url, max: 2 });
        // An idle connection ended by the server (a database dropped with FORCE by the app that
        // owns it, when two apps share one) must not fail whichever test runs next.
        pool.on('error', () => undefined);
      }
      return (await pool.query(text, values)).rows as R[];
    },
    close: async () => {
      await app.close();
      await pool?.end();
      await dropDatabase();
    },
  };
}
