import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';

export interface LoadOptions {
  url: string;
  connections: number;
  warmupSeconds: number;
  seconds: number;
  requests: autocannon.Request[];
  /** Processes whose resident memory is sampled while the measured run lasts. */
  watch: { service?: number; baseline?: number };
}

export interface Figures {
  requestsPerSecond: number;
  p50: number;
  p99: number;
  /** Connection errors, timeouts and non-2xx answers. */
  errors: number;
  requests: number;
  /** Peak VmRSS in MB of the watched processes during the measured run. */
  serviceRssMb?: number;
  baselineRssMb?: number;
}

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = /^VmRSS:\s+(\d+) kB/m.exec(status);
  return kb ? Number(kb[1]) / 1024 : 0;
}

/** Samples the peak resident memory of some processes every 100 ms until stopped. */
function rssSampler(pids: (number | undefined)[]): () => (number | undefined)[] {
  const peaks = pids.map((pid) => (pid === undefined ? undefined : rssMb(pid)));
  const timer = setInterval(() => {
    pids.forEach((pid, i) => {
      if (pid !== undefined) peaks[i] = Math.max(peaks[i] ?? 0, rssMb(pid));
    });
  }, 100);
  return () => {
    clearInterval(timer);
    return peaks;
  };
}

function run(options: LoadOptions, seconds: number): Promise<autocannon.Result> {
  return autocannon({
    url: options.url,
    connections: options.connections,
    duration: seconds,
    requests: options.requests,
    timeout: 10,
  });
}

/** Load that is not measured: the service's first seconds (JIT, cold caches) are no scenario's cost. */
export async function warmUp(options: LoadOptions): Promise<void> {
  await run(options, options.warmupSeconds);
}

/** A warm-up of `warmupSeconds`, then the measured run of `seconds`, same connections. */
export async function measure(options: LoadOptions): Promise<Figures> {
  if (options.warmupSeconds > 0) await run(options, options.warmupSeconds);
  const stop = rssSampler([options.watch.service, options.watch.baseline]);
  const result = await run(options, options.seconds);
  const [serviceRssMb, baselineRssMb] = stop();
  return {
    requestsPerSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts + result.non2xx,
    requests: result.requests.total,
    serviceRssMb,
    baselineRssMb,
  };
}
