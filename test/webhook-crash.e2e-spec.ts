import { ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';
import { WebhookDeliveryService } from '../apps/api/src/webhooks/webhook-delivery.service';
import { startTestApp, TEST_SECRET, TestApp } from './support/app';
import { eventually, stopScheduler } from './support/cases';
import { act, actors, Actors, draft } from './support/refunds';
import { Receiver, startReceiver } from './support/webhook-receiver';

const ENV = {
  WEBHOOK_ALLOW_PRIVATE_URLS: 'true',
  WEBHOOK_TIMEOUT_SECONDS: '1',
  WEBHOOK_RETRY_BASE_SECONDS: '0.1',
};

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** The service as its own process (`npm start` without the build step), on the test's database. */
async function startServiceProcess(
  databaseUrl: string,
): Promise<{ child: ChildProcess; output: () => string }> {
  let output = '';
  const child = spawn(
    process.execPath,
    ['-r', 'ts-node/register/transpile-only', 'apps/api/src/main.ts'],
    {
      cwd: path.resolve(__dirname, '..'),
      env: {
        ...process.env,
        ...ENV,
        DATABASE_URL: databaseUrl,
        PORT: String(await freePort()),
        AUTH_JWT_SECRET: TEST_SECRET,
        RATE_LIMIT_PER_MINUTE: '0',
        LOG_LEVEL: 'warn',
      },
    },
  );
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  return { child, output: () => output };
}

describe('webhooks across a crash', () => {
  let t: TestApp;
  let a: Actors;
  let hook: Receiver;
  let service: ChildProcess | undefined;

  beforeAll(async () => {
    t = await startTestApp(ENV);
    // This instance plays the one that starts after the crash: it delivers only when asked.
    await stopScheduler(t.app);
    a = await actors(t);
  });
  afterAll(async () => {
    service?.kill('SIGKILL');
    await hook?.close();
    await t.close();
  });

  it('loses nothing when the worker is killed mid-delivery: the event is sent again with its id', async () => {
    // The first POST is never answered: the worker is killed while waiting for it.
    hook = await startReceiver((_event, n) => (n === 0 ? 'hang' : 200));
    const endpoint = await t.http
      .post('/v1/webhook-endpoints')
      .set('Authorization', a.merchant)
      .send({ url: hook.url, events: ['refund.apply', 'refund.submit'] });
    expect(endpoint.status).toBe(201);
    // Committed while no worker runs: the crash "between commit and publish".
    const refund = await draft(t, a);
    expect((await act(t, a.customer, refund.id as string, 'submit')).status).toBe(200);

    const started = await startServiceProcess(t.db.url);
    service = started.child;
    await eventually(
      () => Promise.resolve(hook.received.length === 1),
      'the service to deliver',
      40_000,
    ).catch((error: Error) => {
      throw new Error(`${error.message}\n${started.output()}`);
    });
    const exited = new Promise((resolve) => service?.once('exit', resolve));
    service.kill('SIGKILL');
    await exited;

    // Another worker takes over. The killed worker's claim holds until its lease runs out
    // (timeout + 10 s), so nobody sends the event twice at once, and the refund's next event waits.
    const worker = t.app.get(WebhookDeliveryService);
    await worker.deliverDue();
    expect(hook.received).toHaveLength(1);
    await eventually(
      async () => {
        await worker.deliverDue();
        return hook.acknowledged().length === 2;
      },
      'both events acknowledged',
      20_000,
    );

    const [first, second] = await t.http
      .get('/v1/events')
      .query({ limit: 100 })
      .set('Authorization', a.merchant)
      .then((res) =>
        (res.body.data as { id: string; data: { id: string } }[])
          .filter((event) => event.data.id === refund.id)
          .reverse(),
      );
    expect(hook.received.map((r) => r.event.id)).toEqual([first.id, first.id, second.id]);
    expect(hook.acknowledged()).toEqual([first.id, second.id]);

    const deliveries = await t.http
      .get(`/v1/webhook-endpoints/${endpoint.body.id}/deliveries`)
      .set('Authorization', a.merchant);
    const crashed = deliveries.body.data.find((d: { eventId: string }) => d.eventId === first.id);
    // Two attempts were made; the killed worker's could not record its outcome.
    expect(crashed).toMatchObject({ status: 'SUCCEEDED', attemptCount: 2 });
    expect(crashed.attempts).toHaveLength(1);
  }, 90_000);
});
