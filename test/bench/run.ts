// `npm run bench`: the service against a bare node:http + pg baseline on the same database, in
// one run. See docs/benchmark.md for what each scenario does.
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type autocannon from 'autocannon';
import { Client } from 'pg';
import pino from 'pino';
import { signToken } from '../../apps/api/src/auth/token.service';
import type { Principal } from '../../apps/api/src/common/principal';
import { UUID } from '../../apps/api/src/common/ids';
import { encodeCursor, newestFirstCursor } from '../../apps/api/src/common/pagination';
import { migrate } from '../../apps/api/src/database/migrator';
import { Figures, measure, warmUp } from './load';
import { Child, freePort, openBenchDatabase, startChild } from './processes';
import {
  BIG_MERCHANT,
  POOL_CUSTOMERS,
  POOL_MERCHANT,
  POOL_PAYMENTS,
  seedPaymentPool,
  seedRefunds,
} from './seed';

const ROOT = path.resolve(__dirname, '../..');
const REFUNDS = Number(process.env.BENCH_REFUNDS ?? 100_000);
/** The smaller dataset of the list and queue comparison: 10,000 of the merchant's refunds. */
const SMALL = 20_000;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
/**
 * Rounds of each comparison: the service, then the baseline, again and again, so that a change
 * in the machine's speed during the run weighs on both; each target is judged on the median of
 * the rounds' ratios.
 */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
/** Optional: write the service's CPU profile (node --cpu-prof) into this folder. */
const PROFILE_DIR = process.env.BENCH_PROFILE;
/** Optional: comma-separated scenario names to run (read, apply, life, list); default all. */
const ONLY = process.env.BENCH_ONLY?.split(',');
const SECRET = 'refund-desk-bench-secret-0123456789abcdef';
/** Walks follow nextCursor for this many pages, then start again elsewhere. */
const WALK_PAGES = 25;

const wanted = (name: string) => !ONLY || ONLY.includes(name);
const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)];
const bearer = async (principal: Principal) =>
  `Bearer ${await signToken(new TextEncoder().encode(SECRET), principal, '2h')}`;
const json = { 'content-type': 'application/json' };

/** What one connection carries from a request to the next (autocannon's per-loop context). */
interface Context {
  pages?: number;
  customer?: number;
  refund?: string;
}

interface Row {
  scenario: string;
  target: 'service' | 'baseline';
  /** Which round of the comparison (1 for the list and queue, which have no baseline). */
  round: number;
  figures: Figures;
}

/**
 * Requests that walk a newest-first or queue list: each takes a walk in progress (or starts one
 * on the first page or at a random row), and the answer's nextCursor continues it.
 */
function walk(basePath: string, headers: Record<string, string>, starts: string[]) {
  const walks: { cursor: string; pages: number }[] = [];
  const request: autocannon.Request = {
    method: 'GET',
    setupRequest: (req, context) => {
      const next = walks.pop() ?? {
        cursor: Math.random() < 0.2 ? '' : pick(starts),
        pages: 0,
      };
      (context as Context).pages = next.pages;
      const cursor = next.cursor ? `&cursor=${next.cursor}` : '';
      return { ...req, path: `${basePath}${cursor}`, headers };
    },
    onResponse: (status, body, context) => {
      if (status !== 200) return;
      const { nextCursor } = JSON.parse(body) as { nextCursor: string | null };
      const pages = ((context as Context).pages ?? 0) + 1;
      if (nextCursor && pages < WALK_PAGES) walks.push({ cursor: nextCursor, pages });
    },
  };
  return [request];
}

async function listScenarios(db: Client, agent: string, merchant: string) {
  const refundStarts = await db.query<{ created_at: Date; id: string }>(
    `SELECT created_at, id FROM refunds WHERE merchant_id = $1 ORDER BY random() LIMIT 500`,
    [BIG_MERCHANT],
  );
  const cursors = newestFirstCursor(UUID);
  const caseStarts = await db.query<{ priority: string; due_at: Date; id: string }>(
    `SELECT priority, due_at, id FROM support_cases
      WHERE status IN ('NEW', 'OPEN', 'PENDING_CUSTOMER', 'ON_HOLD') ORDER BY random() LIMIT 500`,
  );
  return {
    list: walk(
      '/v1/refunds?limit=20',
      { authorization: merchant },
      refundStarts.rows.map((row) => cursors.encode({ createdAt: row.created_at, id: row.id })),
    ),
    queue: walk(
      '/v1/cases?open=true&limit=20',
      { authorization: agent },
      caseStarts.rows.map((row) => encodeCursor([row.priority, row.due_at.toISOString(), row.id])),
    ),
  };
}

async function main(): Promise<void> {
  if (REFUNDS < 2 * SMALL) throw new Error(`BENCH_REFUNDS must be at least ${2 * SMALL}`);
  if (!(ROUNDS >= 1)) throw new Error('BENCH_ROUNDS must be at least 1');
  // The service starts as `npm start` starts it: the same node options and entry point.
  const serviceStart = (
    JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
      scripts: { start: string };
    }
  ).scripts.start;
  const [, ...serviceArgs] = serviceStart.split(' ');
  if (!existsSync(path.join(ROOT, serviceArgs.at(-1)!))) {
    throw new Error('run `npm run build` first (npm run bench does)');
  }

  const started = Date.now();
  const database = await openBenchDatabase();
  const db = new Client({ connectionString: database.url });
  const children: Child[] = [];
  try {
    await migrate(database.url, pino({ level: 'warn' }));
    await db.connect();
    const customers = Math.max(1, Math.round(REFUNDS / 5));
    const log = (message: string) =>
      console.log(`[${((Date.now() - started) / 1000).toFixed(0)} s] ${message}`);
    log(`seeding ${SMALL} refunds (${SMALL / 2} of them ${BIG_MERCHANT}'s)`);
    await seedRefunds(db, 0, SMALL, customers);
    await seedPaymentPool(db, 'pool');
    await seedPaymentPool(db, 'base');

    const servicePort = await freePort();
    const baselinePort = await freePort();
    const serviceLog = path.join(os.tmpdir(), `refund-desk-bench-service-${process.pid}.log`);
    const service = await startChild({
      args: [
        ...(PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`] : []),
        // Names JIT-compiled functions for `perf` (/tmp/perf-<pid>.map).
        ...(process.env.BENCH_PERF ? ['--perf-basic-prof'] : []),
        ...serviceArgs,
      ],
      cwd: ROOT,
      env: {
        PATH: process.env.PATH,
        NODE_ENV: 'production',
        PORT: String(servicePort),
        DATABASE_URL: database.url,
        AUTH_JWT_SECRET: SECRET,
        RATE_LIMIT_PER_MINUTE: '0',
        // The write scenarios leave thousands of drafts to their 1,000 customers.
        MAX_OPEN_DRAFTS_PER_CUSTOMER: '1000000',
        LOG_LEVEL: 'info',
      },
      port: servicePort,
      readyPath: '/health/ready',
      logFile: serviceLog,
    });
    children.push(service);
    const base = await startChild({
      args: ['-r', 'ts-node/register/transpile-only', path.join(__dirname, 'baseline-server.ts')],
      env: { PATH: process.env.PATH, DATABASE_URL: database.url, PORT: String(baselinePort) },
      port: baselinePort,
      readyPath: '/health',
      logFile: path.join(os.tmpdir(), `refund-desk-bench-baseline-${process.pid}.log`),
    });
    children.push(base);
    log(`service pid ${service.pid} (logs: ${serviceLog}), baseline pid ${base.pid}`);

    const rows: Row[] = [];
    const run = async (
      scenario: string,
      target: Row['target'],
      url: string,
      requests: autocannon.Request[],
      round?: number,
    ) => {
      log(`${scenario} → ${target}${round ? ` (round ${round} of ${ROUNDS})` : ''}`);
      const figures = await measure({
        url,
        connections: CONNECTIONS,
        warmupSeconds: WARMUP_SECONDS,
        seconds: SECONDS,
        requests,
        watch: target === 'service' ? { service: service.pid } : { baseline: base.pid },
      });
      rows.push({ scenario, target, round: round ?? 1, figures });
    };
    /** The service against the baseline, ROUNDS times in turn. */
    const compare = async (
      scenario: string,
      serviceRequests: autocannon.Request[],
      baselineRequests: autocannon.Request[],
    ) => {
      for (let round = 1; round <= ROUNDS; round++) {
        await run(scenario, 'service', service.url, serviceRequests, round);
        await run(scenario, 'baseline', base.url, baselineRequests, round);
      }
    };

    const agent = await bearer({ role: 'agent', id: 'agent-1' });
    const merchant = await bearer({ role: 'merchant', id: BIG_MERCHANT });
    if (wanted('list')) {
      const small = await listScenarios(db, agent, merchant);
      log('warming the service up');
      for (const requests of [small.list, small.queue]) {
        await warmUp({
          url: service.url,
          connections: CONNECTIONS,
          warmupSeconds: 2 * WARMUP_SECONDS,
          seconds: 0,
          requests,
          watch: {},
        });
      }
      await run(`list at ${SMALL / 2} refunds`, 'service', service.url, small.list);
      await run(`queue at ${SMALL / 2} cases`, 'service', service.url, small.queue);
    }
    log(`seeding refunds ${SMALL} to ${REFUNDS}`);
    await seedRefunds(db, SMALL, REFUNDS, customers);
    if (wanted('list')) {
      const full = await listScenarios(db, agent, merchant);
      await run(`list at ${REFUNDS / 2} refunds`, 'service', service.url, full.list);
      await run(`queue at ${REFUNDS / 2} cases`, 'service', service.url, full.queue);
    }

    if (wanted('read')) {
      // Refunds of 200 customers, each read with its owner's token.
      const owners = Array.from({ length: 200 }, (_, i) => `cus-${i}`);
      const { rows: readable } = await db.query<{ id: string; customer_id: string }>(
        'SELECT id, customer_id FROM refunds WHERE customer_id = ANY($1)',
        [owners],
      );
      const tokens = new Map<string, string>();
      for (const owner of owners) tokens.set(owner, await bearer({ role: 'customer', id: owner }));
      await compare(
        'GET /v1/refunds/:id',
        [
          {
            method: 'GET',
            setupRequest: (req) => {
              const refund = pick(readable);
              return {
                ...req,
                path: `/v1/refunds/${refund.id}`,
                headers: { authorization: tokens.get(refund.customer_id)! },
              };
            },
          },
        ],
        [
          {
            method: 'GET',
            setupRequest: (req) => ({ ...req, path: `/refunds/${pick(readable).id}` }),
          },
        ],
      );
    }

    // The write scenarios apply against a pool of payments of POOL_CUSTOMERS customers, one pool
    // for the service and one for the baseline.
    const payers = await Promise.all(
      Array.from({ length: POOL_CUSTOMERS }, (_, i) =>
        bearer({ role: 'customer', id: `cus-pool-${i}` }),
      ),
    );
    const payment = (pool: 'pool' | 'base') => {
      const i = Math.floor(Math.random() * POOL_PAYMENTS);
      return { id: `TX-${pool}-${i}`, customer: i % POOL_CUSTOMERS };
    };
    const applyRequest: autocannon.Request = {
      method: 'POST',
      path: '/v1/refunds',
      setupRequest: (req, context) => {
        const paid = payment('pool');
        (context as Context).customer = paid.customer;
        return {
          ...req,
          headers: {
            ...json,
            authorization: payers[paid.customer],
            'idempotency-key': randomUUID(),
          },
          body: JSON.stringify({
            transactionId: paid.id,
            amount: 1000,
            reasonCode: 'NOT_RECEIVED',
          }),
        };
      },
      onResponse: (status, body, context) => {
        if (status === 201) (context as Context).refund = (JSON.parse(body) as { id: string }).id;
      },
    };
    const baselineApply: autocannon.Request = {
      method: 'POST',
      path: '/refunds',
      setupRequest: (req) => {
        const paid = payment('base');
        return {
          ...req,
          headers: json,
          body: JSON.stringify({
            transactionId: paid.id,
            customerId: `cus-base-${paid.customer}`,
            merchantId: POOL_MERCHANT,
            amount: 1000,
          }),
        };
      },
      onResponse: (status, body, context) => {
        if (status === 201) (context as Context).refund = (JSON.parse(body) as { id: string }).id;
      },
    };
    if (wanted('apply')) {
      await compare('POST /v1/refunds', [applyRequest], [baselineApply]);
    }

    if (wanted('life')) {
      const poolMerchant = await bearer({ role: 'merchant', id: POOL_MERCHANT });
      const system = await bearer({ role: 'system', id: 'ledger' });
      // Each step acts on the refund the apply created; without one the pipeline starts over.
      const step = (
        action: string,
        authorization: (context: Context) => string,
        body: object,
      ): autocannon.Request => ({
        method: 'POST',
        setupRequest: (req, context: Context) =>
          // autocannon starts the pipeline over when this is falsy (no refund to act on).
          (context.refund
            ? {
                ...req,
                path: `/v1/refunds/${context.refund}/${action}`,
                headers: {
                  ...json,
                  authorization: authorization(context),
                  'idempotency-key': randomUUID(),
                },
                body: JSON.stringify(body),
              }
            : undefined) as autocannon.Request,
      });
      // The baseline makes the same four writes, each a conditional UPDATE and its timeline event.
      const baseStep = (action: string): autocannon.Request => ({
        method: 'POST',
        setupRequest: (req, context: Context) =>
          (context.refund
            ? { ...req, path: `/refunds/${context.refund}/${action}`, headers: json, body: '{}' }
            : undefined) as autocannon.Request,
      });
      await compare(
        'apply → submit → approve → payout',
        [
          applyRequest,
          step('submit', (context) => payers[context.customer!], {}),
          step('approve', () => poolMerchant, {}),
          step('payout', () => system, { result: 'SUCCEEDED', reference: 'PAY-bench' }),
        ],
        [baselineApply, baseStep('submit'), baseStep('approve'), baseStep('payout')],
      );
    }

    const machine = await describeMachine(db);
    const report = summarise(rows, machine, serviceStart);
    writeFileSync(path.join(ROOT, 'bench-results.json'), `${JSON.stringify(report, null, 2)}\n`);
    printReport(report);
    log('done; figures in bench-results.json');
  } finally {
    for (const child of children.reverse()) await child.stop();
    await db.end().catch(() => undefined);
    await database.close();
  }
}

async function describeMachine(db: Client) {
  const { rows } = await db.query<{ server_version: string }>('SHOW server_version');
  return {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model,
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    postgres: rows[0].server_version,
    database: process.env.DATABASE_URL ? 'DATABASE_URL server' : 'embedded',
    loadAverageAtEnd: os.loadavg().map((load) => Number(load.toFixed(2))),
  };
}

interface Target {
  name: string;
  value: number;
  limit: string;
  met: boolean;
  /** A comparison's ratio in each round, in order; `value` is their median. */
  rounds?: number[];
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};
const ratio = (a: number | undefined, b: number | undefined) =>
  a !== undefined && b ? Number((a / b).toFixed(3)) : undefined;

function summarise(
  rows: Row[],
  machine: Awaited<ReturnType<typeof describeMachine>>,
  serviceStart: string,
) {
  const find = (scenario: string, target: Row['target'] = 'service', round = 1) =>
    rows.find((row) => row.scenario === scenario && row.target === target && row.round === round)
      ?.figures;
  /** The service's figure over the baseline's, round by round (empty if the scenario did not run). */
  const perRound = (scenario: string, figure: (figures: Figures) => number) => {
    const ratios: number[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      const service = find(scenario, 'service', round);
      const baseline = find(scenario, 'baseline', round);
      const value = ratio(service && figure(service), baseline && figure(baseline));
      if (value !== undefined) ratios.push(value);
    }
    return ratios;
  };
  const targets: Target[] = [];
  const check = (name: string, value: number | undefined, limit: string, met: boolean) => {
    if (value !== undefined) targets.push({ name, value, limit, met });
  };
  /** A comparison's target, judged on the median of its rounds' ratios. */
  const compared = (
    name: string,
    rounds: number[],
    limit: string,
    met: (value: number) => boolean,
  ) => {
    if (rounds.length === 0) return undefined;
    const value = Number(median(rounds).toFixed(3));
    targets.push({ name, value, limit, met: met(value), rounds });
    return value;
  };

  const read = 'GET /v1/refunds/:id';
  const readRate = compared(
    'read requests/s, service / baseline',
    perRound(read, (figures) => figures.requestsPerSecond),
    '≥ 0.6',
    (value) => value >= 0.6,
  );
  const readP99 = compared(
    'read p99, service / baseline',
    perRound(read, (figures) => figures.p99),
    '≤ 1.5',
    (value) => value <= 1.5,
  );
  const applyRate = compared(
    'apply requests/s, service / baseline',
    perRound('POST /v1/refunds', (figures) => figures.requestsPerSecond),
    '≥ 0.5',
    (value) => value >= 0.5,
  );
  // Reported, no target: the issue asks for the figure against the same four writes.
  const lifeRate = compared(
    'whole life requests/s, service / baseline',
    perRound('apply → submit → approve → payout', (figures) => figures.requestsPerSecond),
    'reported',
    () => true,
  );
  for (const [what, unit] of [
    ['list', 'refunds'],
    ['queue', 'cases'],
  ]) {
    const growth = ratio(
      find(`${what} at ${REFUNDS / 2} ${unit}`)?.p99,
      find(`${what} at ${SMALL / 2} ${unit}`)?.p99,
    );
    check(`${what} p99, full size / 10,000 rows`, growth, '≤ 1.5', (growth ?? Infinity) <= 1.5);
  }
  const services = rows.filter((row) => row.target === 'service');
  const rss = Math.max(...services.map((row) => row.figures.serviceRssMb ?? 0));
  check('service peak RSS under load (MB)', Number(rss.toFixed(0)), '< 300', rss < 300);
  const errors = rows.reduce((sum, row) => sum + row.figures.errors, 0);
  check('errors, all scenarios', errors, '= 0', errors === 0);

  return {
    machine,
    settings: {
      refunds: REFUNDS,
      smallDataset: SMALL,
      seconds: SECONDS,
      warmupSeconds: WARMUP_SECONDS,
      connections: CONNECTIONS,
      rounds: ROUNDS,
      poolSize: 10,
      serviceStart: `${serviceStart}, NODE_ENV=production, LOG_LEVEL=info`,
    },
    scenarios: rows,
    ratios: { readRate, readP99, applyRate, lifeRate },
    targets,
  };
}

function printReport(report: ReturnType<typeof summarise>): void {
  const { machine, settings } = report;
  console.log(
    `\n${settings.connections} connections, ${settings.seconds} s per scenario after ` +
      `${settings.warmupSeconds} s of warm-up, ${settings.rounds} round(s) of each comparison, ` +
      `${settings.refunds} refunds; ` +
      `${machine.cpus} × ${machine.cpuModel}, Node ${machine.node}, ` +
      `PostgreSQL ${machine.postgres} (${machine.database}), load average ${machine.loadAverageAtEnd.join(' ')}\n`,
  );
  console.log(
    '| scenario | target | round | requests/s | p50 ms | p99 ms | errors | RSS MB |\n' +
      '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |',
  );
  for (const { scenario, target, round, figures } of report.scenarios) {
    const rss = target === 'service' ? figures.serviceRssMb : figures.baselineRssMb;
    console.log(
      `| ${scenario} | ${target} | ${round} | ${figures.requestsPerSecond.toFixed(0)} | ` +
        `${figures.p50} | ${figures.p99} | ${figures.errors} | ${rss?.toFixed(0) ?? ''} |`,
    );
  }
  console.log('\n| target | value | rounds | limit | met |\n| --- | ---: | --- | --- | --- |');
  for (const target of report.targets) {
    console.log(
      `| ${target.name} | ${target.value} | ${target.rounds?.join(' / ') ?? ''} | ` +
        `${target.limit} | ${target.met ? 'yes' : 'NO'} |`,
    );
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
