import { SchedulerService } from '../apps/api/src/jobs/scheduler.service';
import { BUSINESS_FIGURES_TTL_MS } from '../apps/api/src/metrics/metrics.service';
import { startTestApp, TestApp } from './support/app';
import { eventually, escalate, refundThrough, SUBMIT } from './support/cases';
import { actors, Actors, draft } from './support/refunds';

const METRICS_TOKEN = 'metrics-scraper-token-0123456789abcdef';

/** The value of one sample of a Prometheus text exposition, or undefined without it. */
function sample(
  text: string,
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const found = Object.fromEntries(
      [...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map(([, k, v]) => [k, v]),
    );
    if (Object.entries(labels).every(([key, value]) => found[key] === value)) {
      return Number(match[3]);
    }
  }
  return undefined;
}

/** Every label set of a metric's samples. */
function labelSets(text: string, name: string): Record<string, string>[] {
  return text
    .split('\n')
    .filter((line) => line.startsWith(`${name}{`))
    .map((line) =>
      Object.fromEntries(
        [...line.matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map(([, k, v]) => [k, v]),
      ),
    );
}

describe('GET /metrics', () => {
  let t: TestApp;
  let a: Actors;
  /** How far the tests have moved the clock forward, to let the business gauges' cache expire. */
  let skipped = 0;
  beforeAll(async () => {
    t = await startTestApp({ METRICS_TOKEN, WEBHOOK_ALLOW_PRIVATE_URLS: 'true' });
    a = await actors(t);
  });
  afterAll(async () => {
    jest.restoreAllMocks();
    await t.close();
  });

  async function scrape(auth = a.system): Promise<string> {
    const res = await t.http.get('/metrics').set('Authorization', auth);
    expect(res.status).toBe(200);
    return res.text;
  }

  /** A scrape once the cached business figures have expired: the clock moves past the cache. */
  async function freshScrape(): Promise<string> {
    const realNow = Date.now.bind(Date);
    skipped += BUSINESS_FIGURES_TTL_MS + 1_000;
    const clock = jest.spyOn(Date, 'now').mockImplementation(() => realNow() + skipped);
    try {
      return await scrape();
    } finally {
      clock.mockRestore();
    }
  }

  describe('who may read it', () => {
    it('refuses a request without a token (401) and other roles (403), as problem+json', async () => {
      const anonymous = await t.http.get('/metrics');
      expect(anonymous.status).toBe(401);
      expect(anonymous.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(anonymous.body.code).toBe('UNAUTHENTICATED');
      const wrong = await t.http.get('/metrics').set('Authorization', `Bearer ${'x'.repeat(40)}`);
      expect(wrong.status).toBe(401);
      for (const role of ['customer', 'merchant', 'agent'] as const) {
        const res = await t.http.get('/metrics').set('Authorization', await t.bearer(role, 'x-1'));
        expect([role, res.status, res.body.code]).toEqual([role, 403, 'FORBIDDEN']);
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      }
    });

    it("answers a system token and the static METRICS_TOKEN, in Prometheus' text format", async () => {
      for (const auth of [a.system, `Bearer ${METRICS_TOKEN}`]) {
        const res = await t.http.get('/metrics').set('Authorization', auth);
        expect(res.status).toBe(200);
        expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
        expect(res.text).toMatch(/^# HELP /m);
      }
    });

    it("includes Node's process metrics", async () => {
      const text = await scrape();
      expect(sample(text, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
      expect(sample(text, 'nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
      expect(sample(text, 'process_start_time_seconds')).toBeGreaterThan(0);
    });
  });

  describe('HTTP metrics', () => {
    it('counts requests by method, route pattern and status, never by raw URL', async () => {
      const refund = await draft(t, a);
      const route = { method: 'GET', route: '/v1/refunds/:id', status: '200' };
      const before = sample(await scrape(), 'http_requests_total', route) ?? 0;
      for (let i = 0; i < 3; i++) {
        expect(
          (await t.http.get(`/v1/refunds/${refund.id}`).set('Authorization', a.customer)).status,
        ).toBe(200);
      }
      const missing = await t.http
        .get(`/v1/refunds/${refund.id}`)
        .set('Authorization', a.otherCustomer);
      expect(missing.status).toBe(404);
      const text = await scrape();
      expect(sample(text, 'http_requests_total', route)).toBe(before + 3);
      expect(sample(text, 'http_requests_total', { ...route, status: '404' })).toBe(1);
      expect(
        sample(text, 'http_request_duration_seconds_count', {
          method: 'GET',
          route: '/v1/refunds/:id',
        }),
      ).toBeGreaterThanOrEqual(before + 4);
      expect(
        sample(text, 'http_request_duration_seconds_bucket', {
          method: 'GET',
          route: '/v1/refunds/:id',
          le: '+Inf',
        }),
      ).toBeGreaterThanOrEqual(before + 4);
      expect(text).not.toContain(refund.id);
      expect(
        sample(text, 'http_requests_total', {
          method: 'POST',
          route: '/v1/refunds',
          status: '201',
        }),
      ).toBeGreaterThanOrEqual(1);
    });

    it('counts every unmatched URL under one route label', async () => {
      for (const url of ['/nowhere', '/v1/nothing/here', `/v1/${'x'.repeat(30)}`]) {
        expect((await t.http.get(url).set('Authorization', a.system)).status).toBe(404);
      }
      const text = await scrape();
      expect(
        sample(text, 'http_requests_total', { method: 'GET', route: 'unmatched', status: '404' }),
      ).toBeGreaterThanOrEqual(3);
      // Fastify's router refuses a malformed URL before any route: unmatched too.
      expect((await t.http.get('/v1/refunds/%E0%A4%A')).status).toBe(400);
      const malformed = await scrape();
      expect(
        sample(malformed, 'http_requests_total', {
          method: 'GET',
          route: 'unmatched',
          status: '400',
        }),
      ).toBe(1);
      const routes = labelSets(text, 'http_requests_total').map((labels) => labels.route);
      expect(routes.filter((route) => /nowhere|nothing|xxx/.test(route))).toEqual([]);
    });
  });

  describe('business gauges', () => {
    it('shows refunds by status, open cases by priority and breached cases', async () => {
      const before = await freshScrape();
      const drafts = sample(before, 'refund_desk_refunds', { status: 'DRAFT' }) ?? 0;
      const submitted = sample(before, 'refund_desk_refunds', { status: 'SUBMITTED' }) ?? 0;
      expect(sample(before, 'refund_desk_refunds', { status: 'REFUNDED' })).toBe(0);
      await draft(t, a);
      await draft(t, a);
      const refundId = await refundThrough(t, a, [SUBMIT]);
      expect((await escalate(t, a.customer, refundId)).status).toBe(201);

      const after = await freshScrape();
      expect(sample(after, 'refund_desk_refunds', { status: 'DRAFT' })).toBe(drafts + 2);
      expect(sample(after, 'refund_desk_refunds', { status: 'SUBMITTED' })).toBe(submitted + 1);
      const open = labelSets(after, 'refund_desk_cases_open').map((labels) => labels.priority);
      expect(open.sort()).toEqual(['HIGH', 'LOW', 'NORMAL', 'URGENT']);
      const openCases = ['URGENT', 'HIGH', 'NORMAL', 'LOW'].reduce(
        (sum, priority) => sum + (sample(after, 'refund_desk_cases_open', { priority }) ?? 0),
        0,
      );
      expect(openCases).toBe(1);
      expect(sample(after, 'refund_desk_cases_breached')).toBe(0);

      // The case's first-response target passes: it is breached.
      await t.query(
        `UPDATE support_cases SET first_response_due_at = now() - interval '1 minute',
                due_at = now() - interval '1 minute' WHERE refund_id = $1`,
        [refundId],
      );
      expect(sample(await freshScrape(), 'refund_desk_cases_breached')).toBe(1);
    });

    it('reuses the figures for 5 seconds: a change shows on the first scrape after', async () => {
      const first = await freshScrape();
      await draft(t, a);
      const second = await scrape();
      const drafts = sample(first, 'refund_desk_refunds', { status: 'DRAFT' })!;
      expect(sample(second, 'refund_desk_refunds', { status: 'DRAFT' })).toBe(drafts);
      expect(sample(await freshScrape(), 'refund_desk_refunds', { status: 'DRAFT' })).toBe(
        drafts + 1,
      );
    });

    it('shows the webhook backlog: pending deliveries and the age of the oldest', async () => {
      await t.app.get(SchedulerService).onApplicationShutdown();
      const before = await freshScrape();
      expect(sample(before, 'refund_desk_webhook_deliveries_pending')).toBe(0);
      expect(sample(before, 'refund_desk_webhook_oldest_pending_seconds')).toBe(0);
      const hook = await t.http
        .post('/v1/webhook-endpoints')
        .set('Authorization', a.system)
        .send({ url: 'http://127.0.0.1:9/hook', events: ['refund.apply'] });
      expect(hook.status).toBe(201);
      await draft(t, a);
      await draft(t, a);
      await t.query(
        `UPDATE webhook_deliveries SET created_at = now() - interval '10 minutes'
          WHERE id = (SELECT id FROM webhook_deliveries ORDER BY created_at LIMIT 1)`,
      );
      const after = await freshScrape();
      expect(sample(after, 'refund_desk_webhook_deliveries_pending')).toBe(2);
      const oldest = sample(after, 'refund_desk_webhook_oldest_pending_seconds')!;
      expect(oldest).toBeGreaterThanOrEqual(600);
      expect(oldest).toBeLessThan(700);
    });
  });

  describe("jobs' last success", () => {
    it('is recorded when a run succeeds, not when a run is claimed and fails', async () => {
      const scheduler = t.app.get(SchedulerService);
      scheduler.register({
        name: 'test.succeeds',
        intervalSeconds: 3600,
        run: () => Promise.resolve(1),
      });
      scheduler.register({
        name: 'test.fails',
        intervalSeconds: 3600,
        run: () => Promise.reject(new Error('broken on purpose')),
      });
      scheduler.onApplicationBootstrap();
      const started = Date.now() / 1000;
      await eventually(async () => {
        const rows = await t.query(
          `SELECT name FROM scheduled_jobs WHERE name LIKE 'test.%' AND last_run_at IS NOT NULL`,
        );
        return rows.length === 2;
      }, 'both test jobs to be claimed');
      await scheduler.onApplicationShutdown();
      await scheduler.runNow('idempotency.purge');

      const text = await freshScrape();
      const success = sample(text, 'refund_desk_job_last_success_timestamp_seconds', {
        job: 'test.succeeds',
      });
      expect(success).toBeGreaterThanOrEqual(Math.floor(started) - 1);
      expect(success).toBeLessThanOrEqual(Date.now() / 1000 + 1);
      expect(
        sample(text, 'refund_desk_job_last_success_timestamp_seconds', {
          job: 'idempotency.purge',
        }),
      ).toBeGreaterThanOrEqual(Math.floor(started) - 1);
      expect(
        sample(text, 'refund_desk_job_last_success_timestamp_seconds', { job: 'test.fails' }),
      ).toBeUndefined();
    });
  });
});
