import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { ARTIFACTS, type Browser } from '../console/browser';
import type { TestApp } from '../support/app';
import type { Actors } from '../support/refunds';

export { expectAccessible } from '../console/axe';

/** A payment of cus-1 to mer-1 through the ledger feed: 150,000 rupiah (ISO 4217: 2 digits). */
export async function ledgerPayment(
  t: TestApp,
  a: Actors,
  description: string,
  amount = 15_000_000,
) {
  const id = `TX-${Math.random().toString(36).slice(2, 8).toUpperCase()}`;
  const res = await t.http.post('/v1/transactions').set('Authorization', a.system).send({
    id,
    customerId: 'cus-1',
    merchantId: 'mer-1',
    amount,
    currency: 'IDR',
    paidAt: '2026-11-20T03:00:00.000Z',
    description,
  });
  expect(res.status).toBe(201);
  return id;
}

/** A new page at a phone's size. */
export async function phone(browser: Browser): Promise<Page> {
  const page = await browser.newPage();
  await page.setViewportSize({ width: 390, height: 844 });
  return page;
}

/** The page's visible text, with the no-break spaces Intl puts in money as plain spaces. */
export const textOf = async (page: Page, selector = 'body') =>
  (await page.locator(selector).innerText()).replace(/\u00a0|\u202f/g, ' ');

/** Waits for the screen whose heading is exactly `text`. */
export async function expectHeading(page: Page, text: string) {
  await page.locator('h1', { hasText: text }).waitFor();
  expect(await page.locator('h1').innerText()).toBe(text);
}

/** The whole screen into test-artifacts/; docs/portal.md's images are copied from there. */
export async function shoot(page: Page, name: string) {
  await mkdir(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, name), fullPage: true });
}

export async function chooseLanguage(page: Page, language: 'id' | 'en' | 'zh') {
  await page.locator('header select').selectOption(language);
  await page.waitForFunction(`document.documentElement.lang === '${language}'`);
}

/** Presses Tab until the focused element `el` passes `test` (JavaScript run in the page). */
export async function tabTo(page: Page, test: string, limit = 60) {
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate(`(el => ${test})(document.activeElement)`)) return;
  }
  throw new Error(`Tab never reached ${test}`);
}
