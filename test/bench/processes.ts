import { ChildProcess, spawn } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { openSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import pino from 'pino';
import { freePort, startEmbeddedPostgres } from '../../apps/api/src/database/embedded-postgres';

export { freePort };

export interface BenchDatabase {
  url: string;
  close(): Promise<void>;
}

/**
 * A fresh database: created on the DATABASE_URL server (its name says bench and test) and
 * dropped after, or (DATABASE_URL unset) an embedded PostgreSQL in a temporary folder.
 */
export async function openBenchDatabase(): Promise<BenchDatabase> {
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
    logger: pino({ level: 'warn' }),
  });
  return {
    url: embedded.url,
    close: async () => {
      await embedded.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export interface Child {
  pid: number;
  url: string;
  stop(): Promise<void>;
}

async function waitUntilUp(child: ChildProcess, url: string, logFile: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`${url} exited with ${child.exitCode} at start-up; see ${logFile}`);
    }
    const up = await fetch(url).then(
      (res) => res.ok,
      () => false,
    );
    if (up) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${url} did not answer within 60 s; see ${logFile}`);
}

/**
 * Starts a Node process whose stdout and stderr go to `logFile` (written by the process itself,
 * as a log collector would read it: no pipe through the benchmark), and waits until `readyPath`
 * answers 200.
 */
export async function startChild(options: {
  args: string[];
  env: NodeJS.ProcessEnv;
  cwd?: string;
  port: number;
  readyPath: string;
  logFile: string;
}): Promise<Child> {
  const log = openSync(options.logFile, 'w');
  const child = spawn(process.execPath, options.args, {
    env: options.env,
    cwd: options.cwd,
    stdio: ['ignore', log, log],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${options.port}`;
  await waitUntilUp(child, `${url}${options.readyPath}`, options.logFile);
  return {
    pid: child.pid!,
    url,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}
