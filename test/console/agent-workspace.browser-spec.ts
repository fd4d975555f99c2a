import { readFileSync } from 'node:fs';
import type { Locator, Page } from 'playwright-core';
import { signingKey, signToken } from '../../apps/api/src/auth/token.service';
import type { TestApp } from '../support/app';
import { DISPUTE, getRefund, REJECT, SUBMIT } from '../support/cases';
import { act, type Actors } from '../support/refunds';
import { screenshot, type Browser } from './browser';
import { ledgerPayment, startConsoleWorld, stopConsoleWorld } from './console-world';

const DESKTOP = { width: 1440, height: 900 };
const PHONE = { width: 390, height: 844 };

/**
 * The agent workspace in Chromium: queue views and rows, search and the customer page, the
 * resolve dialog's two fields, times with their zone, one sign-in for all tabs, drafts that
 * survive an expired sign-in, notices, and the phone width.
 */
describe('the agent workspace in the console', () => {
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

  /** A refund of `customerId` walked through `steps` (by the customer or the merchant). */
  async function refundOf(customerId: string, description: string, steps = [SUBMIT]) {
    const customer = await t.bearer('customer', customerId);
    const transactionId = await payment(customerId, 2_500_000, description);
    const applied = await t.http
      .post('/v1/refunds')
      .set('Authorization', customer)
      .send({ transactionId, amount: 2_500_000, reasonCode: 'NOT_RECEIVED' });
    expect(applied.status).toBe(201);
    for (const [who, action, body] of steps) {
      const res = await act(
        t,
        who === 'customer' ? customer : a[who],
        applied.body.id,
        action,
        body,
      );
      expect([action, res.status]).toEqual([action, 200]);
    }
    return { id: applied.body.id as string, transactionId, customer };
  }

  async function escalated(customerId: string, description: string) {
    const refund = await refundOf(customerId, description);
    const res = await t.http
      .post(`/v1/refunds/${refund.id}/escalate`)
      .set('Authorization', refund.customer)
      .send({ message: 'Nobody answers me about this order.' });
    expect(res.status).toBe(201);
    return { ...refund, caseId: res.body.id as string };
  }

  async function signIn(page: Page, agentId: string, token?: string) {
    const value = token ?? (await t.bearer('agent', agentId)).replace(/^Bearer /, '');
    await page.goto(`${baseUrl}/console/`);
    const signOut = page.getByRole('button', { name: 'Sign out' });
    const tokenField = page.getByLabel('Agent token');
    await signOut.or(tokenField).first().waitFor();
    if (await signOut.isVisible()) await signOut.click();
    await tokenField.fill(value);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Support queue' }).waitFor();
  }

  /**
   * The serious and critical axe-core violations of the page (its source evaluated through the
   * debugging protocol: the console's CSP allows no injected script tag).
   */
  async function seriousViolations(page: Page): Promise<string[]> {
    const axe = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
    const violations = await page.evaluate<{ id: string; impact: string; nodes: number }[]>(
      `${axe}\n;axe.run(document, { resultTypes: ['violations'] }).then((r) =>
        r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length })))`,
    );
    return violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id} (${v.nodes})`);
  }

  it('shows views with counts and rows that say what each case is, at 1440 and 390 px', async () => {
    const shoes = await escalated('cus-q1', 'Blue running shoes, size 42');
    const kettle = await escalated('cus-q2', 'Stainless kettle');
    await t.http
      .post(`/v1/cases/${kettle.caseId}/assign`)
      .set('Authorization', a.agent)
      .send({ agentId: 'agt-q' });
    const dispute = await refundOf('cus-q3', 'Ceramic tea set', [SUBMIT, REJECT, DISPUTE]);

    const page = await browser.newPage();
    await page.setViewportSize(DESKTOP);
    await signIn(page, 'agt-q');

    const rows = page.locator('table.queue tbody tr');
    const shoesRow = rows.filter({ hasText: 'Blue running shoes' });
    await shoesRow.waitFor();
    expect(await shoesRow.textContent()).toContain('cus-q1 · mer-1');
    expect(await shoesRow.textContent()).toContain('Submitted');
    expect(await shoesRow.locator('.awaiting').textContent()).toBe('Customer replied');
    // One time format, with the agent's zone (the browser runs in Asia/Jakarta).
    expect(await shoesRow.locator('td.activity').textContent()).toMatch(/\d{2}:\d{2} GMT\+7/);
    await page.getByText('times in Asia/Jakarta').waitFor();

    const mine = page.getByRole('link', { name: /^Mine/ });
    await until(async () => (await mine.textContent()) === 'Mine1', 'the counts');
    expect(await page.getByRole('link', { name: /^Disputes/ }).textContent()).toBe('Disputes1');
    await mine.click();
    await page.waitForURL(/view=mine/);
    await until(async () => (await rows.count()) === 1, 'my one case');
    expect(await rows.first().textContent()).toContain('Stainless kettle');

    await page.getByRole('link', { name: /^All open/ }).click();
    await page.getByRole('button', { name: 'Age' }).click();
    await page.waitForURL(/sort=createdAt/);
    await until(
      async () => ((await rows.first().textContent()) ?? '').includes('Ceramic tea set'),
      'the newest case first',
    );
    await screenshot(page, 'console-queue-views.png');
    expect(await seriousViolations(page)).toEqual([]);

    // A click anywhere on the row (here its amount) opens the case.
    await shoesRow.locator('td.num').click();
    await page.waitForURL(new RegExp(`/console/cases/${shoes.caseId}$`));
    await page.getByRole('heading', { name: 'Customer request case · cus-q1' }).waitFor();

    await page.setViewportSize(PHONE);
    await page.goto(`${baseUrl}/console/`);
    await shoesRow.waitFor();
    // Nothing is off screen or squeezed: search and sign-out fit, cells keep their words.
    for (const control of [
      page.getByRole('searchbox'),
      page.getByRole('button', { name: 'Sign out' }),
    ]) {
      const box = await control.boundingBox();
      expect(box).not.toBeNull();
      expect(box!.x + box!.width).toBeLessThanOrEqual(PHONE.width);
    }
    const subject = await shoesRow.locator('.subject').boundingBox();
    expect(subject!.width).toBeGreaterThan(150);
    const overflow = await page.evaluate('document.documentElement.scrollWidth');
    expect(overflow).toBeLessThanOrEqual(PHONE.width);
    await screenshot(page, 'console-queue-390.png');
    expect(await seriousViolations(page)).toEqual([]);
    expect(dispute.id).toBeTruthy();
    await page.close();
  });

  it('finds by id prefix and by description words, and shows the customer at a glance', async () => {
    const refund = await escalated('cus-s1', 'Wireless headphones, noise cancelling');
    const page = await browser.newPage();
    await page.setViewportSize(DESKTOP);
    await signIn(page, 'agt-s');

    await page.getByRole('searchbox').fill(refund.caseId.slice(0, 8));
    await page.getByRole('button', { name: 'Open' }).click();
    await page.getByRole('heading', { name: 'Cases' }).waitFor();
    await page.locator('table.cases tbody tr', { hasText: 'Wireless headphones' }).waitFor();

    await page.getByRole('searchbox').fill('headphones wireless');
    await page.getByRole('button', { name: 'Open' }).click();
    await page.getByRole('heading', { name: 'Payments' }).waitFor();
    await page.getByText(refund.transactionId).waitFor();

    await page.getByRole('searchbox').fill('cus-s1');
    await page.getByRole('button', { name: 'Open' }).click();
    await page.getByRole('link', { name: 'cus-s1' }).first().click();
    await page.getByRole('heading', { name: 'Customer cus-s1' }).waitFor();
    await page.getByRole('heading', { name: 'Cases (1)' }).waitFor();
    await page.getByRole('heading', { name: 'Refunds (1)' }).waitFor();
    await page.getByRole('heading', { name: 'Payments (1)' }).waitFor();
    await screenshot(page, 'console-customer.png');
    await page.close();
  });

  it("shows a customer's open security report and payout hold, and their held approved refund needs attention", async () => {
    const approved = await refundOf('cus-h1', 'Smart watch', [SUBMIT, ['merchant', 'approve', {}]]);
    const filed = await t.http
      .post('/v1/security-reports')
      .set('Authorization', a.agent)
      .send({ customerId: 'cus-h1', description: 'Caller says her phone was stolen on the bus.' });
    expect(filed.status).toBe(201);

    const page = await browser.newPage();
    await page.setViewportSize(DESKTOP);
    await signIn(page, 'agt-h');
    await page.goto(`${baseUrl}/console/customers/cus-h1`);
    await page.getByRole('heading', { name: 'Security report and payout hold' }).waitFor();
    await page.getByText(/^Payouts held since .+GMT\+7/).waitFor();
    // What the customer said, in the report's panel (the case row has it too, as its subject).
    await page.locator('q', { hasText: 'Caller says her phone was stolen on the bus.' }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'console-customer-held.png');
    await page.getByRole('link', { name: 'Open the stolen-wallet case' }).click();
    await page.waitForURL(new RegExp(`/console/cases/${filed.body.caseId}$`));

    await page.goto(`${baseUrl}/console/?view=attention`);
    const row = page.locator('table.attention tbody tr', { hasText: 'cus-h1' });
    await row.waitFor();
    expect(await row.textContent()).toContain("customer's payouts are held");
    await row.locator('td.num').click();
    await page.waitForURL(new RegExp(`/console/refunds/${approved.id}$`));
    await page.close();
  });

  it('resolves a dispute with a message to the customer and an internal note', async () => {
    const dispute = await refundOf('cus-r1', 'Ceramic tea set', [SUBMIT, REJECT, DISPUTE]);
    const { caseId } = await getRefund(t, a.agent, dispute.id);
    const page = await browser.newPage();
    await page.setViewportSize(DESKTOP);
    await signIn(page, 'agt-r');
    await page.goto(`${baseUrl}/console/cases/${caseId}`);

    await page.getByRole('button', { name: "Resolve dispute: customer's favour…" }).click();
    const dialog = page.getByRole('dialog', { name: 'Resolve the dispute' });
    await dialog.getByLabel(/In the customer's favour/).check();
    await dialog.getByLabel('Message to the customer').fill('We refund you in full.');
    await dialog.getByLabel('Internal note').fill('Courier hub lost it; merchant not at fault.');
    await screenshot(page, 'console-resolve-dialog.png');
    await dialog.getByRole('button', { name: 'Resolve dispute' }).click();
    await page.getByRole('status').filter({ hasText: 'the refund is now Approved' }).waitFor();

    const forCustomer = await t.http
      .get(`/v1/cases/${caseId}/messages`)
      .set('Authorization', dispute.customer);
    expect(forCustomer.body.at(-1).body).toBe('We refund you in full.');
    expect(JSON.stringify(forCustomer.body)).not.toContain('Courier hub');
    await page.getByText('Courier hub lost it; merchant not at fault.').waitFor();
    await page.close();
  });

  it('resolves a dispute from the queue with a macro reply in at most four clicks', async () => {
    const dispute = await refundOf('cus-m1', 'Vintage film camera', [SUBMIT, REJECT, DISPUTE]);
    const { caseId } = await getRefund(t, a.agent, dispute.id);
    const macro = await t.http.post('/v1/macros').set('Authorization', a.agent).send({
      title: 'Dispute won',
      body: 'Dear {{customer.id}}, we refund {{refund.amount}} in full (case {{case.id}}).',
    });
    expect(macro.status).toBe(201);
    const rendered = `Dear cus-m1, we refund IDR 25,000.00 in full (case ${caseId}).`;

    const page = await browser.newPage();
    await page.setViewportSize(DESKTOP);
    await signIn(page, 'agt-m');
    const row = page.locator('table.queue tbody tr', { hasText: 'Vintage film camera' });
    await row.waitFor();

    // Every click from here on: through `click`, and as the page itself counts trusted ones.
    let clicks = 0;
    const click = async (target: Locator) => {
      clicks += 1;
      await target.click();
    };
    await page.evaluate(`window.__clicks = 0;
      document.addEventListener('click', (e) => { if (e.isTrusted) window.__clicks += 1; }, true);`);

    await click(row.locator('td.num'));
    await page.waitForURL(new RegExp(`/console/cases/${caseId}$`));
    await click(page.getByRole('button', { name: "Resolve dispute: customer's favour…" }));
    const dialog = page.getByRole('dialog', { name: 'Resolve the dispute' });
    expect(await dialog.getByLabel(/In the customer's favour/).isChecked()).toBe(true);
    await click(dialog.getByRole('button', { name: 'Use “Dispute won”' }));
    const message = dialog.getByLabel('Message to the customer');
    await until(async () => (await message.inputValue()) === rendered, 'the macro in the message');
    await screenshot(page, 'console-resolve-with-macro.png');
    expect(await seriousViolations(page)).toEqual([]);
    await click(dialog.getByRole('button', { name: 'Resolve dispute', exact: true }));
    await page.getByRole('status').filter({ hasText: 'the refund is now Approved' }).waitFor();

    expect(clicks).toBeLessThanOrEqual(4);
    expect(await page.evaluate('window.__clicks')).toBe(clicks);
    const forCustomer = await t.http
      .get(`/v1/cases/${caseId}/messages`)
      .set('Authorization', dispute.customer);
    expect(forCustomer.body.at(-1)).toMatchObject({ body: rendered, internal: false });
    expect((await getRefund(t, a.agent, dispute.id)).status).toBe('APPROVED');
    await page.close();
  });

  it('shares the sign-in with a new tab, and keeps a reply draft through an expired sign-in', async () => {
    const { caseId } = await escalated('cus-d1', 'Garden hose');
    const shortLived = await signToken(
      signingKey(t.config),
      { role: 'agent', id: 'agt-d' },
      '6s',
      t.config,
    );
    const page = await browser.newPage();
    await page.setViewportSize(DESKTOP);
    await signIn(page, 'agt-d', shortLived);

    // A second tab opens the case signed in.
    const tab = await browser.newPage();
    await tab.goto(`${baseUrl}/console/cases/${caseId}`);
    await tab.getByRole('heading', { name: 'Customer request case · cus-d1' }).waitFor();
    await tab.close();

    await page.goto(`${baseUrl}/console/cases/${caseId}`);
    const reply = page.getByLabel('Reply to the customer');
    await reply.fill('We have asked the shop; you will hear from us by Friday.');
    // The token expires; the page signs out, and the draft waits for the next sign-in.
    await page.getByLabel('Agent token').waitFor({ timeout: 30_000 });
    browser.expectError(/status of 401/);
    await page.getByLabel('Agent token').fill((await t.bearer('agent', 'agt-d')).slice(7));
    await page.getByRole('button', { name: 'Sign in' }).click();
    // Signed in once the form is gone; opening the case before that shows the form again.
    await page.getByLabel('Agent token').waitFor({ state: 'detached' });
    await page.goto(`${baseUrl}/console/cases/${caseId}`);
    expect(await page.getByLabel('Reply to the customer').inputValue()).toBe(
      'We have asked the shop; you will hear from us by Friday.',
    );
    await page.getByRole('button', { name: 'Send public reply' }).click();
    await until(
      async () => (await page.getByLabel('Reply to the customer').inputValue()) === '',
      'the reply to be sent',
    );
    await page.close();
  });

  it('works the queue from the keyboard, assigns to another agent, and replies and moves on', async () => {
    const first = await escalated('cus-k1', 'Desk lamp');
    const second = await escalated('cus-k2', 'Office chair');
    const page = await browser.newPage();
    await page.setViewportSize(DESKTOP);
    await signIn(page, 'agt-k');
    await page.getByRole('link', { name: /^All open/ }).click();
    await page.getByLabel('Sort by').selectOption({ label: 'Newest' });
    await page.waitForURL(/sort=createdAt/);
    const rows = page.locator('table.queue tbody tr');
    await until(
      async () => ((await rows.first().textContent()) ?? '').includes('Office chair'),
      'the newest case first',
    );

    await page.keyboard.press('?');
    await page.getByRole('heading', { name: 'Keyboard shortcuts' }).waitFor();
    await page.keyboard.press('j');
    await page.keyboard.press('j');
    await page.keyboard.press('o');
    await page.waitForURL(new RegExp(`/console/cases/${first.caseId}$`));
    await page.getByRole('heading', { name: 'Customer request case · cus-k1' }).waitFor();
    await page.keyboard.press('k');
    await page.waitForURL(new RegExp(`/console/cases/${second.caseId}$`));

    await page.getByLabel('Assign to').fill('agt-k2');
    await page.getByRole('button', { name: 'Assign', exact: true }).click();
    await page.getByRole('status').filter({ hasText: 'assigned to agt-k2' }).waitFor();
    // The next time, the agent is suggested.
    await page.reload();
    expect(await page.locator('#recent-assignees option').getAttribute('value')).toBe('agt-k2');

    await page.getByRole('heading', { name: 'Customer request case · cus-k2' }).waitFor();
    await page.keyboard.press('r');
    await page.keyboard.type('The shop confirmed the chair ships tomorrow.');
    expect(await page.getByLabel('Reply to the customer').inputValue()).toBe(
      'The shop confirmed the chair ships tomorrow.',
    );
    await page.getByRole('button', { name: 'Send and next case' }).click();
    await page.waitForURL(new RegExp(`/console/cases/${first.caseId}$`));
    const messages = await t.http
      .get(`/v1/cases/${second.caseId}/messages`)
      .set('Authorization', a.agent);
    expect(messages.body.at(-1).body).toBe('The shop confirmed the chair ships tomorrow.');
    await page.close();
  });

  it('shows a notice in force on every page', async () => {
    const now = Date.now();
    const published = await t.http
      .post('/v1/notices')
      .set('Authorization', a.agent)
      .send({
        kind: 'MAINTENANCE',
        title: 'Hotline maintenance',
        body: 'The hotline is down for an upgrade.',
        startsAt: new Date(now - 60_000).toISOString(),
        endsAt: new Date(now + 3_600_000).toISOString(),
        affectedChannels: ['HOTLINE'],
      });
    expect(published.status).toBe(201);
    const page = await browser.newPage();
    await page.setViewportSize(DESKTOP);
    await signIn(page, 'agt-n');
    const banner = page.getByRole('region', { name: 'Service notices' });
    await banner.getByText('Hotline maintenance').waitFor();
    expect(await banner.textContent()).toContain('Affected: Hotline.');

    // The notices screen ends it, and publishes another.
    await page.getByRole('link', { name: 'Notices' }).click();
    await page.getByRole('heading', { name: 'Service notices' }).waitFor();
    await page.getByRole('button', { name: 'End “Hotline maintenance” now' }).click();
    await page.getByRole('status').filter({ hasText: 'has ended' }).waitFor();
    await banner.waitFor({ state: 'detached' });

    await page.getByLabel('Kind').selectOption({ label: 'Incident' });
    await page.getByLabel('Title').fill('Chat is down');
    await page.getByLabel('What customers and agents should know').fill('Use e-mail meanwhile.');
    await page.getByLabel('In app chat').check();
    await page.getByRole('button', { name: 'Publish notice' }).click();
    await page.getByRole('status').filter({ hasText: 'The notice is published.' }).waitFor();
    await banner.getByText('Incident: Chat is down').waitFor();
    await screenshot(page, 'console-notices.png');
    await page.close();
  });
});

/** Polls `check`. */
async function until(check: () => Promise<boolean>, what: string, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
