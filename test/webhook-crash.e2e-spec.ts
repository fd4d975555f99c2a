import { WebhookDeliveryService } from '../apps/api/src/webhooks/webhook-delivery.service';
import { startTestApp, TestApp } from './support/app';
import { eventually, stopScheduler } from './support/cases';
import { act, actors, Actors, draft } from './support/refunds';
import { ServiceProcess, startService } from './support/service-process';
import { Receiver, startReceiver } from './support/webhook-receiver';

const ENV = {
  WEBHOOK_ALLOW_PRIVATE_URLS: 'true',
  WEBHOOK_TIMEOUT_SECONDS: '1',
  WEBHOOK_RETRY_BASE_SECONDS: '0.1',
};

describe('webhooks across a crash', () => {
  let t: TestApp;
  let a: Actors;
  let hook: Receiver;
  let service: ServiceProcess | undefined;

  beforeAll(async () => {
    t = await startTestApp(ENV);
    // This instance plays the one that starts after the crash: it delivers only when asked.
    await stopScheduler(t.app);
    a = await actors(t);
  });
  afterAll(async () => {
    await service?.kill();
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

    service = await startService(t.db, ENV);
    const started = service;
    await eventually(
      () => Promise.resolve(hook.received.length === 1),
      'the service to deliver',
      40_000,
    ).catch((error: Error) => {
      throw new Error(`${error.message}\n${started.output()}`);
    });
    await service.kill();

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
