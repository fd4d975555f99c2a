import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../../support/service-process';

const HAPROXY = process.env.HAPROXY_PATH ?? '/usr/sbin/haproxy';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface Balancer {
  /** http://127.0.0.1:<port>, round robin over the instances. */
  url: string;
  output(): string;
  stop(): Promise<void>;
}

/**
 * Debian's HAProxy in front of `instances` (their base URLs): round robin, instances checked on
 * /health/ready every 500 ms. A request is sent to another instance only when it could not be
 * connected (`retry-on conn-failure` with `option redispatch`): one that reached an instance is
 * never sent again, since it may have been applied there.
 */
export async function startHaproxy(instances: string[]): Promise<Balancer> {
  if (!existsSync(HAPROXY)) {
    throw new Error(
      `HAProxy is not installed (${HAPROXY}): apt-get install -y haproxy, or set HAPROXY_PATH`,
    );
  }
  const port = await freePort();
  const dir = await mkdtemp(path.join(os.tmpdir(), 'refund-desk-haproxy-'));
  const config = path.join(dir, 'haproxy.cfg');
  const servers = instances.map((base, i) => `  server api${i + 1} ${new URL(base).host} check`);
  await writeFile(
    config,
    [
      'global',
      '  maxconn 2000',
      'defaults',
      '  mode http',
      '  timeout connect 1s',
      '  timeout client 30s',
      '  timeout server 30s',
      '  retries 3',
      '  option redispatch 1',
      '  retry-on conn-failure',
      'frontend public',
      `  bind 127.0.0.1:${port}`,
      '  option forwardfor',
      '  default_backend api',
      'backend api',
      '  balance roundrobin',
      '  option httpchk GET /health/ready',
      '  http-check expect status 200',
      '  default-server inter 500ms fall 2 rise 2',
      ...servers,
      '',
    ].join('\n'),
  );
  let output = '';
  const child: ChildProcess = spawn(HAPROXY, ['-db', '-f', config]);
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const balancer: Balancer = {
    url: `http://127.0.0.1:${port}`,
    output: () => output,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
      await rm(dir, { recursive: true, force: true });
    },
  };
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`HAProxy did not start:\n${output}`);
    const ok = await fetch(`${balancer.url}/health/ready`).then(
      (res) => res.status === 200,
      () => false,
    );
    if (ok) return balancer;
    if (i > 100) {
      await balancer.stop();
      throw new Error(`HAProxy did not answer within 10 s:\n${output}`);
    }
    await sleep(100);
  }
}
