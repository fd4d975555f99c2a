// `npm run bench`: request throughput of the main paths, as ratios against a baseline measured in
// the same process at the same time (GET /health/live: the HTTP stack, no database).
// Uses DATABASE_URL when set (a database whose name contains "bench" or "test" is created and
// dropped there); otherwise an embedded PostgreSQL in a temporary folder.
import { randomUUID } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import pino from 'pino';
import { signToken } from '../apps/api/src/auth/token.service';
import { loadConfig } from '../apps/api/src/config/load-config';
import { createApp } from '../apps/api/src/create-app';
import { startEmbeddedPostgres } from '../apps/api/src/database/embedded-postgres';
import { migrate } from '../apps/api/src/database/migrator';
import { FEATURE_MODULES } from '../apps/api/src/features';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const SECRET = 'refund-desk-bench-secret-0123456789abcdef';

async function database(logger: pino.Logger): Promise<{ url: string; close(): Promise<void> }> {
  const name = `refund_desk_bench_test_${process.pid}`;
  if (process.env.DATABASE_URL) {
    const admin = new Client({ connectionString: process.env.DATABASE_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    const url = new URL(process.env.DATABASE_URL);
    url.pathname = `/${name}`;
    return {
      url: url.toString(),
      close: async () => {
        await admin.query(`DROP DATABASE ${name} WITH (FORCE)`);
        await admin.end();
      },
    };
  }
  const dir = await mkdtemp(path.join(os.tmpdir(), 'refund-desk-bench-'));
  await chmod(dir, 0o755);
  const embedded = await startEmbeddedPostgres({
    dataDir: path.join(dir, 'pg'),
    database: name,
    logger,
  });
  return {
    url: embedded.url,
    close: async () => {
      await embedded.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Runs `request` from CONCURRENCY workers for SECONDS; returns completed requests a second. */
async function measure(name: string, request: () => Promise<number>): Promise<number> {
  const until = Date.now() + SECONDS * 1000;
  let done = 0;
  let failed = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (Date.now() < until) {
        const status = await request();
        if (status < 400 || status === 409 || status === 422) done++;
        else failed++;
      }
    }),
  );
  if (failed > 0) throw new Error(`${name}: ${failed} requests failed`);
  return done / SECONDS;
}

async function main(): Promise<void> {
  const logger = pino({ level: 'warn' });
  const db = await database(logger);
  await migrate(db.url, logger);
  const config = loadConfig({
    DATABASE_URL: db.url,
    AUTH_JWT_SECRET: SECRET,
    RATE_LIMIT_PER_MINUTE: '0',
  });
  const app = await createApp(config, pino({ level: 'silent' }), FEATURE_MODULES);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const base = await app.getUrl();
  const key = new TextEncoder().encode(SECRET);
  const bearer = async (role: 'customer' | 'merchant' | 'system', id: string) =>
    `Bearer ${await signToken(key, { role, id }, '1h')}`;
  const system = await bearer('system', 'ledger');
  const customer = await bearer('customer', 'cus-1');
  const call = async (method: string, url: string, auth?: string, body?: unknown) => {
    const res = await fetch(`${base}${url}`, {
      method,
      headers: {
        ...(auth ? { authorization: auth } : {}),
        ...(body ? { 'content-type': 'application/json' } : {}),
      },
      body: body ? JSON.stringify(body) : undefined,
    });
    const json = (await res.json()) as { id?: string };
    return { status: res.status, id: json.id };
  };
  const payment = async (amount = 1_000_000) => {
    const id = `TX-${randomUUID()}`;
    await call('POST', '/v1/transactions', system, {
      id,
      customerId: 'cus-1',
      merchantId: 'mer-1',
      amount,
      currency: 'IDR',
      paidAt: new Date().toISOString(),
    });
    return id;
  };

  const seeded = await call('POST', '/v1/refunds', customer, {
    transactionId: await payment(),
    amount: 1000,
    reasonCode: 'NOT_RECEIVED',
  });
  const contended = await payment(Number.MAX_SAFE_INTEGER);

  const results: [string, number][] = [];
  results.push([
    'GET /health/live (baseline)',
    await measure('baseline', async () => (await call('GET', '/health/live')).status),
  ]);
  results.push([
    'GET /v1/refunds/:id',
    await measure(
      'read',
      async () => (await call('GET', `/v1/refunds/${seeded.id}`, customer)).status,
    ),
  ]);
  results.push([
    'POST /v1/transactions + POST /v1/refunds + submit (one iteration)',
    await measure('apply', async () => {
      const transactionId = await payment();
      const applied = await call('POST', '/v1/refunds', customer, {
        transactionId,
        amount: 1000,
        reasonCode: 'NOT_RECEIVED',
      });
      return (await call('POST', `/v1/refunds/${applied.id}/submit`, customer)).status;
    }),
  ]);
  results.push([
    'POST /v1/refunds, all on one payment (row lock)',
    await measure(
      'contended',
      async () =>
        (
          await call('POST', '/v1/refunds', customer, {
            transactionId: contended,
            amount: 1,
            reasonCode: 'NOT_RECEIVED',
          })
        ).status,
    ),
  ]);

  const baseline = results[0][1];
  console.log(`\n${CONCURRENCY} concurrent clients, ${SECONDS} s each, Node ${process.version}\n`);
  console.log('| path | requests/s | ratio to baseline |\n| --- | ---: | ---: |');
  for (const [name, rate] of results) {
    console.log(`| ${name} | ${rate.toFixed(0)} | ${(rate / baseline).toFixed(3)} |`);
  }
  await app.close();
  await db.close();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
