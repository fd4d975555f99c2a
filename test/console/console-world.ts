import { randomUUID } from 'node:crypto';
import { startTestApp, TestApp } from '../support/app';
import { actors, Actors } from '../support/refunds';
import { launchBrowser, type Browser } from './browser';

/** What a console spec drives: the whole service on 127.0.0.1, its actors, and Chromium. */
export interface ConsoleWorld {
  t: TestApp;
  a: Actors;
  browser: Browser;
  baseUrl: string;
}

/** Starts Chromium and the service listening on 127.0.0.1 (with `env`), as a browser reaches it. */
export async function startConsoleWorld(env?: Record<string, string>): Promise<ConsoleWorld> {
  const browser = await launchBrowser();
  const t = await startTestApp(env);
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  const baseUrl = (await t.app.getUrl()).replace('[::1]', '127.0.0.1');
  expect(new URL(baseUrl).hostname).toBe('127.0.0.1');
  return { t, a: await actors(t), browser, baseUrl };
}

export async function stopConsoleWorld(world: { t?: TestApp; browser?: Browser }): Promise<void> {
  await world.browser?.close();
  await world.t?.close();
}

/** A payment of `customerId` to mer-1, through the ledger feed; its id. */
export async function ledgerPayment(
  { t, a }: Pick<ConsoleWorld, 't' | 'a'>,
  customerId: string,
  amount: number,
  description: string,
): Promise<string> {
  const id = `TX-${randomUUID().slice(0, 8).toUpperCase()}`;
  const res = await t.http.post('/v1/transactions').set('Authorization', a.system).send({
    id,
    customerId,
    merchantId: 'mer-1',
    amount,
    currency: 'IDR',
    paidAt: '2026-11-20T03:00:00.000Z',
    description,
  });
  expect(res.status).toBe(201);
  return id;
}
