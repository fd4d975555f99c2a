import { ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { signToken } from '../../apps/api/src/auth/token.service';
import type { Role } from '../../apps/api/src/common/principal';
import { NO_QUOTAS, TEST_SECRET } from './app';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

const ROOT = path.resolve(__dirname, '../..');

/**
 * The Node options `npm start` runs the service with (its memory settings), so that a test's
 * process uses memory as production does.
 */
const START_NODE_OPTIONS = (
  JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
    scripts: { start: string };
  }
).scripts.start
  .split(' ')
  .filter((arg) => arg.startsWith('--'));

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A bearer header value for a principal, signed with the secret the spawned service uses. */
export async function bearer(role: Role, id: string): Promise<string> {
  return `Bearer ${await signToken(new TextEncoder().encode(TEST_SECRET), { role, id }, '2h')}`;
}

export interface ServiceProcess {
  /** http://127.0.0.1:<port>: every request of the suite goes to loopback. */
  url: string;
  pid: number;
  child: ChildProcess;
  output(): string;
  /** Resident set size of the process now, in kB (from /proc). */
  rssKb(): number;
  /** kill -9, resolving once the process is gone. */
  kill(): Promise<void>;
  /** SIGTERM (graceful shutdown), resolving once the process is gone. */
  stop(): Promise<void>;
}

/**
 * The service as a real process (`npm start` without the build step) on 127.0.0.1 and a free
 * port, resolved once `/health/ready` answers 200.
 */
export async function startService(
  database: string | { url: string; directUrl: string },
  env: Record<string, string> = {},
): Promise<ServiceProcess> {
  // A test database may be reached through a pooler: its migrations then go the direct way.
  const databaseEnv =
    typeof database === 'string'
      ? { DATABASE_URL: database, DATABASE_DIRECT_URL: '' }
      : {
          DATABASE_URL: database.url,
          DATABASE_DIRECT_URL: database.directUrl === database.url ? '' : database.directUrl,
        };
  const port = await freePort();
  let output = '';
  const child = spawn(
    process.execPath,
    [...START_NODE_OPTIONS, '-r', 'ts-node/register/transpile-only', 'apps/api/src/main.ts'],
    {
      cwd: ROOT,
      env: {
        ...process.env,
        ...databaseEnv,
        PORT: String(port),
        AUTH_JWT_SECRET: TEST_SECRET,
        RATE_LIMIT_PER_MINUTE: '0',
        ...NO_QUOTAS,
        LOG_LEVEL: 'warn',
        ...env,
      },
    },
  );
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const gone = () => child.exitCode !== null || child.signalCode !== null;
  const service: ServiceProcess = {
    url: `http://127.0.0.1:${port}`,
    pid: child.pid!,
    child,
    output: () => output,
    rssKb: () => {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? NaN);
    },
    kill: async () => {
      if (!gone()) child.kill('SIGKILL');
      await exited;
    },
    stop: async () => {
      if (!gone()) child.kill('SIGTERM');
      await exited;
    },
  };
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (gone()) throw new Error(`the service exited during start-up:\n${output}`);
    const status = await fetch(`${service.url}/health/ready`, {
      signal: AbortSignal.timeout(2_000),
    }).then(
      (res) => res.status,
      () => 0,
    );
    if (status === 200) return service;
    if (Date.now() > deadline) {
      await service.kill();
      throw new Error(`the service was not ready within 90 s:\n${output}`);
    }
    await sleep(200);
  }
}
