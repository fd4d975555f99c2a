import type { Page } from 'playwright-core';
import type { TestApp } from '../support/app';
import type { Actors } from '../support/refunds';
import { screenshot, type Browser } from './browser';
import { ledgerPayment, startConsoleWorld, stopConsoleWorld } from './console-world';

/** A stolen-wallet case in the agent console (Debian's Chromium against the whole service). */
describe('the agent console: a stolen wallet', () => {
  let t: TestApp;
  let a: Actors;
  let browser: Browser;
  let baseUrl: string;

  beforeAll(async () => {
    ({ t, a, browser, baseUrl } = await startConsoleWorld());
  });
  afterAll(() => stopConsoleWorld({ t, browser }));
  afterEach(() => {
    if (browser) expect(browser.errors).toEqual([]);
  });

  const payment = (customerId: string, amount: number, description: string) =>
    ledgerPayment({ t, a }, customerId, amount, description);

  async function signIn(page: Page, agentId: string) {
    const token = (await t.bearer('agent', agentId)).replace(/^Bearer /, '');
    await page.goto(`${baseUrl}/console/`);
    await page.getByLabel('Agent token').fill(token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Support queue' }).waitFor();
  }

  it('shows the report, its payments and refunds, and releases the hold after a confirmation', async () => {
    const customer = await t.bearer('customer', 'cus-stolen');
    const payments = [
      await payment('cus-stolen', 2_500_000, 'Game voucher'),
      await payment('cus-stolen', 9_900_000, 'Electronics'),
    ];
    const filed = await t.http
      .post('/v1/security-reports')
      .set('Authorization', customer)
      .send({ description: 'My phone was stolen at the station.', transactionIds: payments });
    expect(filed.status).toBe(201);
    const report = filed.body as { id: string; caseId: string; refundIds: string[] };

    const page = await browser.newPage();
    await signIn(page, 'agt-3');
    await page
      .getByRole('link', { name: 'Open the account compromised case of cus-stolen' })
      .click();
    await page.getByRole('heading', { name: 'Account compromised case · cus-stolen' }).waitFor();

    await page.getByText('My phone was stolen at the station.').first().waitFor();
    const paymentRows = page
      .getByRole('region', { name: /^Reported payments/ })
      .locator('tbody tr');
    const refundRows = page.getByRole('region', { name: /^Refund requests/ }).locator('tbody tr');
    await refundRows.first().waitFor();
    expect(await paymentRows.count()).toBe(2);
    expect(await paymentRows.nth(0).textContent()).toContain('Game voucher');
    expect(await refundRows.count()).toBe(2);
    expect(await refundRows.nth(1).textContent()).toContain('Submitted');
    expect((await refundRows.nth(1).textContent())?.replace(/\s/g, ' ')).toContain('IDR 99,000.00');
    await page.getByText(/^Active since/).waitFor();
    await screenshot(page, 'console-stolen-wallet.png');

    // Release asks first, and wants a note.
    await page.getByRole('button', { name: 'Release payout hold…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Release the payout hold?' });
    await dialog.getByRole('button', { name: 'Release hold' }).click();
    await dialog.getByRole('alert').filter({ hasText: 'Write why' }).waitFor();
    // Cancelling changes nothing.
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    expect(await dialog.count()).toBe(0);
    const still = await t.http
      .get(`/v1/security-reports/${report.id}`)
      .set('Authorization', a.agent);
    expect(still.body.status).toBe('OPEN');

    await page.getByRole('button', { name: 'Release payout hold…' }).click();
    await dialog.getByLabel('Note (internal)').fill('Identity confirmed by phone; PIN changed.');
    await dialog.getByRole('button', { name: 'Release hold' }).click();
    await page.getByRole('status').filter({ hasText: 'The payout hold is released' }).waitFor();
    await page.getByText(/^Released .* by agt-3/).waitFor();
    expect(await page.getByRole('button', { name: 'Release payout hold…' }).count()).toBe(0);

    const released = await t.http
      .get(`/v1/security-reports/${report.id}`)
      .set('Authorization', a.agent);
    expect(released.body).toMatchObject({
      status: 'RESOLVED',
      payoutHold: { active: false, releasedBy: { role: 'agent', id: 'agt-3' } },
    });
    // The note is the agents' own: an internal note on the case.
    const messages = await t.http
      .get(`/v1/cases/${report.caseId}/messages`)
      .set('Authorization', customer);
    expect(JSON.stringify(messages.body)).not.toContain('PIN changed');
    await page.close();
  });
});
