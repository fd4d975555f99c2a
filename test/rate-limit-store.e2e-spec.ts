import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { SchedulerService } from '../apps/api/src/jobs/scheduler.service';
import { startTestApp, TestApp } from './support/app';

/**
 * The Redis the Redis store is tested on. `npm test` needs only Node.js and npm, so without a
 * Redis there, that test is skipped (and counted as skipped); CI's machine has one.
 */
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0';
const redisAnswers =
  spawnSync(
    process.execPath,
    [
      '-e',
      `const u = new URL(process.argv[1]);
       require('node:net').connect(Number(u.port || 6379), u.hostname)
         .on('connect', () => process.exit(0)).on('error', () => process.exit(1));`,
      REDIS_URL,
    ],
    { timeout: 5_000 },
  ).status === 0;
if (!redisAnswers) console.warn(`no Redis at ${REDIS_URL}: the Redis store's test is skipped`);

const LIMIT = 40;
const REQUESTS = 70;

/** Two instances on one database, with the rate limit counted in `store`. */
async function twoInstances(store: string): Promise<[TestApp, TestApp]> {
  const env = { RATE_LIMIT_PER_MINUTE: String(LIMIT), RATE_LIMIT_STORE: store };
  const first = await startTestApp(env);
  const second = await startTestApp(env, { database: first.db }).catch(async (error) => {
    await first.close();
    throw error;
  });
  return [first, second];
}

/**
 * REQUESTS requests of one new caller, alternating between the instances (one after the other,
 * or all at once): the statuses, in the order sent.
 */
async function alternate(
  [first, second]: [TestApp, TestApp],
  { together = false } = {},
): Promise<number[]> {
  const bearer = await first.bearer('customer', `cus-${randomUUID()}`);
  const send = async (i: number) => {
    const res = await (i % 2 ? second : first).http.get('/v1/me').set('Authorization', bearer);
    if (res.status === 429) {
      expect([res.body.code, res.headers['retry-after']]).toEqual([
        'RATE_LIMITED',
        expect.stringMatching(/^[1-9][0-9]*$/),
      ]);
    }
    return res.status;
  };
  const indexes = [...Array(REQUESTS).keys()];
  if (together) return Promise.all(indexes.map(send));
  const statuses: number[] = [];
  for (const i of indexes) statuses.push(await send(i));
  return statuses;
}

const count = (statuses: number[], status: number) => statuses.filter((s) => s === status).length;

/** What every shared store must do, for the two instances `apps()` gives. */
function itCountsOnceAcrossInstances(apps: () => [TestApp, TestApp]) {
  it('answers the limit once across both instances, then 429 RATE_LIMITED', async () => {
    const statuses = await alternate(apps());
    expect([count(statuses, 200), count(statuses, 429)]).toEqual([LIMIT, REQUESTS - LIMIT]);
    expect(statuses.slice(0, LIMIT)).toEqual(Array(LIMIT).fill(200));
  });

  it('counts requests sent all at once exactly', async () => {
    const statuses = await alternate(apps(), { together: true });
    expect([count(statuses, 200), count(statuses, 429)]).toEqual([LIMIT, REQUESTS - LIMIT]);
  });
}

describe('RATE_LIMIT_STORE: one allowance per caller across instances', () => {
  describe('postgres', () => {
    let apps: [TestApp, TestApp];
    beforeAll(async () => {
      apps = await twoInstances('postgres');
    });
    afterAll(async () => {
      await apps[1].close();
      await apps[0].close();
    });

    itCountsOnceAcrossInstances(() => apps);

    it('starts a fresh window once the block has ended, and purges ended windows', async () => {
      const [t] = apps;
      const id = `cus-${randomUUID()}`;
      const bearer = await t.bearer('customer', id);
      for (let i = 0; i < LIMIT; i++) await t.http.get('/v1/me').set('Authorization', bearer);
      expect((await t.http.get('/v1/me').set('Authorization', bearer)).status).toBe(429);

      const end = `UPDATE rate_limit_hits SET window_ends_at = now() - interval '1 second'`;
      await t.query(end);
      expect((await t.http.get('/v1/me').set('Authorization', bearer)).status).toBe(200);
      expect(
        await t.query(`SELECT hits FROM rate_limit_hits WHERE key = $1`, [
          `default:customer:${id}`,
        ]),
      ).toEqual([{ hits: 1 }]);

      await t.query(end);
      await t.app.get(SchedulerService).runNow('rate-limit.purge');
      expect(await t.query(`SELECT key FROM rate_limit_hits`)).toEqual([]);
    });
  });

  (redisAnswers ? describe : describe.skip)('redis', () => {
    let apps: [TestApp, TestApp];
    beforeAll(async () => {
      apps = await twoInstances(REDIS_URL);
    });
    afterAll(async () => {
      await apps[1].close();
      await apps[0].close();
    });

    itCountsOnceAcrossInstances(() => apps);
  });

  describe('memory (the default)', () => {
    let apps: [TestApp, TestApp];
    beforeAll(async () => {
      apps = await twoInstances('memory');
    });
    afterAll(async () => {
      await apps[1].close();
      await apps[0].close();
    });

    it('counts on each instance apart: one instance per memory store', async () => {
      const statuses = await alternate(apps);
      expect(count(statuses, 200)).toBe(REQUESTS);
    });
  });

  it('answers 503 RATE_LIMIT_STORE_UNAVAILABLE, not a 500, when Redis does not answer', async () => {
    // Port 1 on loopback: nothing listens, every connection is refused at once.
    const t = await startTestApp({
      RATE_LIMIT_PER_MINUTE: '40',
      RATE_LIMIT_STORE: 'redis://127.0.0.1:1/0',
    });
    try {
      const bearer = await t.bearer('customer', 'cus-1');
      const res = await t.http.get('/v1/me').set('Authorization', bearer);
      expect([res.status, res.body.code]).toEqual([503, 'RATE_LIMIT_STORE_UNAVAILABLE']);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    } finally {
      await t.close();
    }
  });
});
