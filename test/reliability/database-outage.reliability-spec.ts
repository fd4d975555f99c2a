import { ADMIN_ENV, createTestDatabase, TestDatabase } from '../support/database';
import { brokenInvariants, query } from './support/invariants';
import { MixedLoad, Outcome, principals, send, steady, tally } from './support/load';
import { startService, ServiceProcess } from '../support/service-process';
import { Outage, TcpProxy } from './support/tcp-proxy';

const OUTAGE_MS = 10_000;
const BEFORE_MS = 4_000;
/** Requests during the outage must fail this fast. */
const FAIL_WITHIN_MS = 5_000;
const RATE = 20;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Probe {
  at: number;
  status: number;
  ms: number;
}

/**
 * The database vanishes for 10 s under steady load, in both shapes a network gives: connections
 * refused at once, and a dead link where packets go nowhere (the shape that finds missing
 * time-outs). The service must answer 503 DATABASE_UNAVAILABLE fast, report itself unready, and
 * recover on its own, having lost no write it acknowledged.
 */
describe.each<Outage>(['refused', 'blackhole'])('database outage: %s', (outage) => {
  let db: TestDatabase;
  let proxy: TcpProxy;
  let service: ServiceProcess | undefined;

  beforeAll(async () => {
    db = await createTestDatabase();
    const server = new URL(process.env[ADMIN_ENV]!);
    proxy = new TcpProxy({ host: server.hostname, port: Number(server.port || 5432) });
    await proxy.open();
    service = await startService(proxy.reach(db.url));
  });
  afterAll(async () => {
    await service?.kill();
    await proxy.close();
    await db.drop();
  });

  it('answers 503 within 5 s while cut off, is ready again after, and keeps every acknowledged write', async () => {
    const s = service!;
    const who = await principals();
    const load = new MixedLoad([s.url], who);
    const probes: Probe[] = [];
    let cutAt = Infinity;
    let restoredAt = Infinity;
    let stopAt = Infinity;
    const stopped = () => Date.now() >= stopAt;

    const probing = (async () => {
      while (!stopped()) {
        const o = await send(s.url, { method: 'GET', path: '/health/ready' }, 10_000);
        probes.push({ at: o.startedAt, status: o.status, ms: o.ms });
        await sleep(250);
      }
    })();
    const loading = steady(RATE, stopped, () => load.next());

    await sleep(BEFORE_MS);
    cutAt = Date.now();
    await proxy.cut(outage);
    await sleep(OUTAGE_MS);
    restoredAt = Date.now();
    await proxy.restore();

    // Run on until the service is ready again and has acknowledged a write, then 3 s more.
    const isWrite = (o: Outcome) => o.call.method === 'POST' && o.status >= 200 && o.status < 300;
    const deadline = restoredAt + 60_000;
    let readyAt: number | undefined;
    let writeAt: number | undefined;
    while (Date.now() < deadline && (readyAt === undefined || writeAt === undefined)) {
      readyAt ??= probes.find((p) => p.at >= restoredAt && p.status === 200)?.at;
      writeAt ??= load.outcomes.find((o) => o.startedAt >= restoredAt && isWrite(o))?.startedAt;
      await sleep(100);
    }
    stopAt = Date.now() + 3_000;
    await Promise.all([loading, probing]);

    // Steps that failed during the outage are sent again with their key and body: each must
    // now complete (a key left "in progress" by the outage would refuse them for a day).
    for (let round = 0; round < 5 && load.unfinished().length > 0; round++) {
      for (const journey of load.unfinished()) {
        while (!journey.done) {
          const o = await send(s.url, journey.nextCall());
          load.outcomes.push(o);
          journey.record(o);
          if (o.status < 200 || o.status >= 300) break;
        }
      }
    }

    const during = load.outcomes.filter((o) => o.startedAt >= cutAt && o.startedAt < restoredAt);
    const failing = load.outcomes.filter((o) => o.status < 200 || o.status >= 300);
    const report = {
      outage,
      requests: load.outcomes.length,
      byStatus: tally(load.outcomes),
      duringOutage: { requests: during.length, byStatus: tally(during) },
      maxLatencyOfFailingMs: Math.max(0, ...failing.map((o) => o.ms)),
      maxLatencyMs: Math.max(...load.outcomes.map((o) => o.ms)),
      maxLatencyOf503Ms: Math.max(0, ...failing.filter((o) => o.status === 503).map((o) => o.ms)),
      readyDuring: tally(
        probes
          .filter((p) => p.at >= cutAt && p.at + p.ms < restoredAt)
          .map((p) => ({ status: p.status }) as Outcome),
      ),
      maxReadyLatencyMs: Math.max(...probes.map((p) => p.ms)),
      recoveryToReadyMs: readyAt === undefined ? null : readyAt - restoredAt,
      recoveryToWriteMs: writeAt === undefined ? null : writeAt - restoredAt,
      journeysCompleted: load.journeys.filter((j) => j.done).length,
      unfinished: load.unfinished().map((j) => j.nextCall().path),
      // What the service logged for errors other than the database being unreachable.
      serviceErrors: s
        .output()
        .split('\n')
        .filter((line) => line.includes('request failed'))
        .filter(
          (line) =>
            !/DATABASE_UNAVAILABLE|Query read timeout|Connection terminated|timeout exceeded when trying to connect|ECONNREFUSED|ECONNRESET/.test(
              line,
            ),
        )
        .slice(0, 3)
        .map((line) => line.slice(0, 2000)),
    };
    console.log(`database outage (${outage}):\n${JSON.stringify(report, null, 2)}`);

    // Every answer is a success or the documented 503, and none hangs past 5 s. The one
    // exception: a resent step arriving while its first attempt still runs on this instance
    // waits for it and, after 10 s, is told to retry (409 IDEMPOTENCY_KEY_IN_PROGRESS). A
    // step must complete in the end (see unfinished below).
    const inProgress = (o: Outcome) => o.status === 409 && o.code === 'IDEMPOTENCY_KEY_IN_PROGRESS';
    const unexpected = failing.filter(
      (o) => !(o.status === 503 && o.code === 'DATABASE_UNAVAILABLE') && !inProgress(o),
    );
    expect(
      unexpected.map(
        (o) => `${o.call.method} ${o.call.path} ${o.status} ${o.code ?? o.error ?? ''}`,
      ),
    ).toEqual([]);
    expect(during.some((o) => o.status === 503)).toBe(true);
    expect(Math.max(...load.outcomes.filter((o) => !inProgress(o)).map((o) => o.ms))).toBeLessThan(
      FAIL_WITHIN_MS,
    );
    // Unready while cut off, ready again after, with no restart.
    expect(report.readyDuring['503']).toBeGreaterThan(0);
    expect(Object.keys(report.readyDuring)).toEqual(['503']);
    expect(report.maxReadyLatencyMs).toBeLessThan(FAIL_WITHIN_MS);
    expect(readyAt).toBeDefined();
    expect(writeAt).toBeDefined();
    expect(s.child.exitCode).toBeNull();
    expect(report.unfinished).toEqual([]);

    // Every acknowledged write is in the database.
    const acked = load.journeys.filter((j) => j.refundId);
    const rows = await query<{ id: string; version: number }>(
      db.url,
      'SELECT id::text, version FROM refunds WHERE id = ANY($1::uuid[])',
      [acked.map((j) => j.refundId)],
    );
    const version = new Map(rows.map((r) => [r.id, r.version]));
    expect(acked.filter((j) => (version.get(j.refundId!) ?? 0) < j.ackedVersion)).toEqual([]);
    const payments = await query<{ n: number }>(
      db.url,
      'SELECT count(*)::int AS n FROM transactions WHERE id = ANY($1)',
      [load.journeys.filter((j) => j.current !== 'pay').map((j) => j.transactionId)],
    );
    expect(payments[0].n).toBe(load.journeys.filter((j) => j.current !== 'pay').length);
    expect(await brokenInvariants(db.url)).toEqual({});
  });
});
