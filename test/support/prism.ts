import { spawn } from 'node:child_process';
import path from 'node:path';
import { freePort } from './service-process';

const PRISM = path.resolve(__dirname, '../../node_modules/@stoplight/prism-cli/dist/index.js');
const START_TIMEOUT_MS = 20_000;

/** What Prism found wrong with a request or its answer; empty when both follow the document. */
export type Violation = { location?: string[]; message?: string } | string;

export interface PrismAnswer {
  status: number;
  body: any;
  violations: Violation[];
}

export interface PrismProxy {
  /** Sends a request through the proxy: the answer, and the violations Prism reported. */
  send(
    method: string,
    path: string,
    options?: { auth?: string; body?: object; headers?: Record<string, string> },
  ): Promise<PrismAnswer>;
  stop(): Promise<void>;
}

/**
 * Stoplight Prism's validating proxy (`prism proxy --errors`) in front of `upstream`: it checks
 * each request against the document before forwarding it and each answer before returning it.
 */
export async function startPrismProxy(documentFile: string, upstream: string): Promise<PrismProxy> {
  const port = await freePort();
  const args = ['proxy', documentFile, upstream, '--errors', '--host', '127.0.0.1', '--port'];
  const child = spawn(process.execPath, [PRISM, ...args, `${port}`], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout.on('data', (chunk: Buffer) => (log += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (log += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  await new Promise<void>((resolve, reject) => {
    const onData = () => log.includes('Prism is listening') && done();
    const onExit = (code: number | null) => done(new Error(`Prism exited with ${code}:\n${log}`));
    const timer = setTimeout(
      () => done(new Error(`Prism did not start within ${START_TIMEOUT_MS} ms:\n${log}`)),
      START_TIMEOUT_MS,
    );
    function done(error?: Error): void {
      clearTimeout(timer);
      child.stdout.off('data', onData);
      child.off('exit', onExit);
      if (!error) return resolve();
      child.kill();
      reject(error);
    }
    child.stdout.on('data', onData);
    child.once('exit', onExit);
  });

  const url = `http://127.0.0.1:${port}`;
  return {
    async send(method, route, { auth, body, headers = {} } = {}) {
      const form = body instanceof FormData;
      const res = await fetch(url + route, {
        method,
        headers: {
          ...(auth ? { authorization: auth } : {}),
          ...(body !== undefined && !form ? { 'content-type': 'application/json' } : {}),
          ...headers,
        },
        body: body === undefined || form ? body : JSON.stringify(body),
      });
      const text = await res.text();
      const json = res.headers.get('content-type')?.includes('json') && text !== '';
      const parsed = json ? JSON.parse(text) : text;
      const violations: Violation[] = JSON.parse(res.headers.get('sl-violations') ?? '[]');
      // With --errors, Prism answers a violation itself, with a problem of its own type.
      if (String(parsed?.type).startsWith('https://stoplight.io/prism/errors#')) {
        violations.push(...(parsed.validation ?? [`${parsed.title}: ${parsed.detail}`]));
      }
      return { status: res.status, body: parsed, violations };
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill();
      await exited;
    },
  };
}
