import { createTestDatabase, TestDatabase } from '../support/database';
import { brokenInvariants } from './support/invariants';
import { MixedLoad, principals, steady, tally } from './support/load';
import { startService, ServiceProcess } from '../support/service-process';

/** 300 for the full run; CI sets a shorter one. */
const SOAK_SECONDS = Number(process.env.SOAK_SECONDS ?? 300);
const WARM_UP_SECONDS = 30;
const RATE = 40;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};

/**
 * Mixed load at a steady rate for SOAK_SECONDS after a 30 s warm-up (the same load: the JIT
 * compiles, caches and the heap grow to their working size): no error at all, and memory that
 * settles. RSS is sampled every second. Baseline: the median of the first fifth of the measured
 * run; end: the median of its last fifth; end < 1.10 × baseline. Medians over a fifth of the
 * run (a minute in the full run) measure the level RSS returns to, not where one
 * garbage-collection cycle happens to stand.
 */
describe('soak', () => {
  let db: TestDatabase;
  let service: ServiceProcess | undefined;

  beforeAll(async () => {
    db = await createTestDatabase();
    service = await startService(db.url);
  });
  afterAll(async () => {
    await service?.kill();
    await db.drop();
  });

  it(`serves ${SOAK_SECONDS} s of mixed load without an error, RSS growing under 10 %`, async () => {
    const s = service!;
    const load = new MixedLoad([s.url], await principals(), 16);
    const samples: { at: number; kb: number }[] = [];
    const startedAt = Date.now() + WARM_UP_SECONDS * 1000;
    const stopAt = startedAt + SOAK_SECONDS * 1000;
    const sampling = (async () => {
      while (Date.now() < stopAt) {
        if (Date.now() >= startedAt)
          samples.push({ at: (Date.now() - startedAt) / 1000, kb: s.rssKb() });
        await sleep(1_000);
      }
    })();
    await steady(
      RATE,
      () => Date.now() >= stopAt,
      () => load.next(),
    );
    await sampling;

    const window = SOAK_SECONDS / 5;
    const measured = load.outcomes.filter((o) => o.startedAt >= startedAt);
    const baseline = median(samples.filter((x) => x.at < window).map((x) => x.kb));
    const end = median(samples.filter((x) => x.at >= SOAK_SECONDS - window).map((x) => x.kb));
    const errors = load.outcomes.filter((o) => o.status < 200 || o.status >= 300);
    const report = {
      seconds: SOAK_SECONDS,
      warmUpSeconds: WARM_UP_SECONDS,
      requests: load.outcomes.length,
      measuredRequests: measured.length,
      perSecond: Math.round(measured.length / SOAK_SECONDS),
      byStatus: tally(load.outcomes),
      refundsCompleted: load.journeys.filter((j) => j.done).length,
      p99Ms: [...load.outcomes.map((o) => o.ms)].sort((a, b) => a - b)[
        Math.floor(load.outcomes.length * 0.99)
      ],
      rssKb: {
        first: samples[0]?.kb,
        baseline,
        end,
        max: Math.max(...samples.map((x) => x.kb)),
        /** Every tenth of the run, for the shape of the curve. */
        series: Array.from({ length: 10 }, (_, i) =>
          median(
            samples
              .filter(
                (x) => x.at >= (SOAK_SECONDS * i) / 10 && x.at < (SOAK_SECONDS * (i + 1)) / 10,
              )
              .map((x) => x.kb),
          ),
        ),
        growth: `${(((end - baseline) / baseline) * 100).toFixed(1)} %`,
      },
    };
    console.log(`soak:\n${JSON.stringify(report, null, 2)}`);

    expect(
      errors.map((o) => `${o.call.method} ${o.call.path} ${o.status} ${o.code ?? o.error ?? ''}`),
    ).toEqual([]);
    expect(measured.length).toBeGreaterThan(SOAK_SECONDS * RATE * 0.8);
    expect(end).toBeLessThan(baseline * 1.1);
    expect(await brokenInvariants(db.url)).toEqual({});
  });
});
