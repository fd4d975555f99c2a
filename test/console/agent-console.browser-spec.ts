import { Client } from 'pg';
import type { Page } from 'playwright-core';
import type { TestApp } from '../support/app';
import { DISPUTE, getRefund, REJECT, SUBMIT } from '../support/cases';
import { act, type Actors } from '../support/refunds';
import { screenshot, type Browser } from './browser';
import { ledgerPayment, startConsoleWorld, stopConsoleWorld } from './console-world';
import { parcelPhoto, receiptPdf } from './fixtures';

/**
 * The agent console in Debian's Chromium against the whole service, listening on 127.0.0.1
 * with the console's production build (npm run test:console builds it first).
 */
describe('the agent console', () => {
  let t: TestApp;
  let a: Actors;
  let browser: Browser;
  let baseUrl: string;

  beforeAll(async () => {
    ({ t, a, browser, baseUrl } = await startConsoleWorld());
  });
  afterAll(() => stopConsoleWorld({ t, browser }));
  afterEach(() => {
    // CSP violations and script errors show up here: the console must load clean under helmet.
    if (browser) expect(browser.errors).toEqual([]);
  });

  const payment = (customerId: string, amount: number, description: string) =>
    ledgerPayment({ t, a }, customerId, amount, description);

  async function upload(auth: string, refundId: string, file: Buffer, name: string, kind: string) {
    const res = await t.http
      .post(`/v1/refunds/${refundId}/attachments`)
      .set('Authorization', auth)
      .field('kind', kind)
      .attach('file', file, { filename: name });
    expect(res.status).toBe(201);
    return res.body.id as string;
  }

  /**
   * A customer's damaged-parcel refund with a photo and a PDF receipt, rejected by the
   * merchant and disputed: a HIGH DISPUTE case in the queue.
   */
  async function disputedRefund(customerId: string, amount: number) {
    const customer = await t.bearer('customer', customerId);
    const transactionId = await payment(customerId, amount, 'Ceramic tea set');
    const applied = await t.http.post('/v1/refunds').set('Authorization', customer).send({
      transactionId,
      amount,
      reasonCode: 'DEFECTIVE_OR_DAMAGED',
      description: 'The tea set arrived with two cups broken and the box torn open.',
    });
    expect(applied.status).toBe(201);
    const refundId = applied.body.id as string;
    await upload(customer, refundId, parcelPhoto(), 'damaged-parcel.png', 'PHOTO');
    await upload(
      customer,
      refundId,
      receiptPdf(['Receipt', `Payment ${transactionId}`, 'Ceramic tea set', 'Paid in full']),
      'receipt.pdf',
      'RECEIPT',
    );
    const steps = [SUBMIT, REJECT, DISPUTE];
    for (const [who, action, body] of steps) {
      const auth = who === 'customer' ? customer : a[who];
      const res = await act(t, auth, refundId, action, body);
      expect([action, res.status]).toEqual([action, 200]);
    }
    return getRefund(t, a.agent, refundId) as Promise<{ id: string; caseId: string }>;
  }

  /** As if the support hours had passed: the case's first-response target is an hour ago. */
  async function breach(caseId: string) {
    const db = new Client({ connectionString: t.db.url });
    await db.connect();
    try {
      await db.query(
        `UPDATE support_cases SET first_response_due_at = now() - interval '1 hour',
                due_at = now() - interval '1 hour' WHERE id = $1`,
        [caseId],
      );
    } finally {
      await db.end();
    }
  }

  async function signIn(page: Page, agentId: string) {
    const token = (await t.bearer('agent', agentId)).replace(/^Bearer /, '');
    await page.goto(`${baseUrl}/console/`);
    // The sign-in is shared by the browser's tabs: an earlier test's agent signs out first.
    const signOut = page.getByRole('button', { name: 'Sign out' });
    const tokenField = page.getByLabel('Agent token');
    await signOut.or(tokenField).first().waitFor();
    if (await signOut.isVisible()) await signOut.click();
    await tokenField.fill(token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Support queue' }).waitFor();
  }

  it('an agent finds a breached dispute, reads the evidence and resolves it for the customer', async () => {
    const breached = await disputedRefund('cus-1', 15_000_000);
    await breach(breached.caseId);
    // The rest of a realistic queue: another dispute, and escalations of fresh drafts, one of
    // them solved already (the default queue shows open cases only).
    await disputedRefund('cus-2', 4_250_000);
    const escalations: string[] = [];
    for (const [customerId, amount] of [
      ['cus-3', 899_900],
      ['cus-4', 12_500_000],
      ['cus-6', 310_000],
    ] as const) {
      const customer = await t.bearer('customer', customerId);
      const transactionId = await payment(customerId, amount, 'Running shoes');
      const draft = await t.http
        .post('/v1/refunds')
        .set('Authorization', customer)
        .send({ transactionId, amount, reasonCode: 'NOT_RECEIVED' });
      const escalated = await t.http
        .post(`/v1/refunds/${draft.body.id}/escalate`)
        .set('Authorization', customer)
        .send({ message: 'The parcel never came and the shop does not answer.' });
      expect(escalated.status).toBe(201);
      escalations.push(escalated.body.id as string);
    }
    const solved = await t.http
      .post(`/v1/cases/${escalations[2]}/solve`)
      .set('Authorization', a.agent)
      .send({});
    expect(solved.status).toBe(200);

    const page = await browser.newPage();
    await signIn(page, 'agt-7');

    const rows = page.locator('table.queue tbody tr');
    await waitForCount(rows, 4);
    // Amounts come from each case's refund; the queue is complete once none is pending.
    await until(
      async () => (await page.locator('table.queue td.num', { hasText: '…' }).count()) === 0,
      'the refund amounts',
    );
    const breachedRow = rows.filter({ hasText: 'cus-1' });
    await breachedRow.locator('td.sla.breached').waitFor();
    expect(await breachedRow.locator('td.sla').textContent()).toMatch(/^Response overdue/);
    // Rp 150.000 is 15000000 minor units (IDR has two); Intl puts a no-break space after the code.
    expect((await breachedRow.locator('td.num').textContent())?.replace(/\s/g, ' ')).toBe(
      'IDR 150,000.00',
    );
    expect(await rows.filter({ hasText: 'cus-6' }).count()).toBe(0);
    await screenshot(page, 'console-queue.png');

    const status = page.getByLabel('Status', { exact: true });
    await status.selectOption({ label: 'Any' });
    await page.waitForURL(/status=any/);
    await waitForCount(rows, 5);
    expect(await rows.filter({ hasText: 'cus-6' }).textContent()).toContain('Solved');
    await status.selectOption({ label: 'Open (any)' });
    await waitForCount(rows, 4);

    await page.getByRole('link', { name: /^Breached/ }).click();
    await page.waitForURL(/view=breached/);
    await waitForCount(rows, 1);
    await page.getByRole('link', { name: 'Open the dispute case of cus-1' }).click();

    await page.getByRole('heading', { name: 'Dispute case · cus-1' }).waitFor();
    await page
      .getByText('I never received the parcel; the signature is not mine.')
      .first()
      .waitFor();
    const photo = page.getByRole('img', { name: 'Evidence: damaged-parcel.png' });
    await photo.waitFor();
    // Loaded and decoded: the preview shows the photo, not a broken image.
    await until(
      async () =>
        (await photo.evaluate((img) => (img as { naturalWidth?: number }).naturalWidth)) === 360,
      'the photo to load',
    );
    // The photo zooms on a click, and back.
    const zoom = page.getByRole('button', { name: 'Zoom into damaged-parcel.png' });
    await zoom.click();
    await page
      .getByRole('button', { name: 'Fit damaged-parcel.png' })
      .and(page.locator('[aria-pressed="true"]'))
      .waitFor();
    await page.getByRole('button', { name: 'Fit damaged-parcel.png' }).click();
    // The statement is said once, in the conversation (the timeline points there).
    expect(
      await page.getByText('I never received the parcel; the signature is not mine.').count(),
    ).toBe(1);
    const pdf = page.locator('iframe[title="PDF preview: receipt.pdf"]');
    await pdf.waitFor();
    expect(await pdf.getAttribute('src')).toMatch(/^blob:/);
    await page
      .getByRole('heading', { name: 'Dispute case · cus-1' })
      .evaluate((h) => h.scrollIntoView());
    await screenshot(page, 'console-case.png');
    await page.getByRole('heading', { name: /^Evidence/ }).evaluate((h) => h.scrollIntoView());
    await pdfViewerSettled(page);
    await screenshot(page, 'console-evidence.png');

    await page.getByRole('button', { name: "Resolve dispute: customer's favour…" }).click();
    const dialog = page.getByRole('dialog', { name: 'Resolve the dispute' });
    await dialog.getByLabel(/In the customer's favour/).check();
    await dialog.getByLabel('Message to the customer').fill('The photo shows the damage.');
    // The request is held until Escape has been tried: it must not close the dialog meanwhile.
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    await page.route('**/resolve-dispute', async (route) => {
      await held;
      await route.continue();
    });
    await dialog.getByRole('button', { name: 'Resolve dispute' }).click();
    await dialog.getByRole('button', { name: 'Working…' }).waitFor();
    await page.keyboard.press('Escape');
    await page.keyboard.press('Escape');
    expect(await dialog.isVisible()).toBe(true);
    release();

    await page.getByRole('status').filter({ hasText: 'the refund is now Approved' }).waitFor();
    // The dialog's button is gone with the dispute: the focus goes to the news, not the page.
    await page.locator('.notice-slot .banner:focus').waitFor();
    expect(await dialog.count()).toBe(0);
    await page.locator('.facts .status', { hasText: 'Approved' }).waitFor();
    expect((await getRefund(t, a.agent, breached.id)).status).toBe('APPROVED');
    await page.close();
  });

  it("an agent makes a settlement offer on the merchant's behalf, with a confirmation", async () => {
    const customer = await t.bearer('customer', 'cus-9');
    const transactionId = await payment('cus-9', 2_000_000, 'Desk lamp');
    const applied = await t.http
      .post('/v1/refunds')
      .set('Authorization', customer)
      .send({ transactionId, amount: 2_000_000, reasonCode: 'NOT_RECEIVED' });
    expect((await act(t, customer, applied.body.id, 'submit')).status).toBe(200);
    const id = applied.body.id as string;

    const page = await browser.newPage();
    await signIn(page, 'agt-7');
    await page.goto(`${baseUrl}/console/refunds/${id}`);
    await page.getByRole('button', { name: 'Make an offer…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Make a settlement offer for mer-1?' });
    await dialog.getByText('The customer asked for IDR 20,000.00').waitFor();
    const amount = dialog.getByLabel(/^Amount offered/);
    await dialog.getByLabel('Message to the customer (required)').fill('Half back, lamp kept.');
    // Not below what was asked: refused in the dialog, nothing sent.
    await amount.fill('20,000');
    await dialog.getByRole('button', { name: 'Make offer' }).click();
    await dialog.getByRole('alert').filter({ hasText: 'below IDR 20,000.00' }).waitFor();
    expect((await getRefund(t, a.agent, id)).offer).toBeNull();

    await amount.fill('10,000');
    await dialog.getByRole('button', { name: 'Make offer' }).click();
    await page.getByRole('status').filter({ hasText: 'Done' }).waitFor();
    const offer = page.locator('.facts .offer');
    await offer.filter({ hasText: 'Open until' }).waitFor();
    expect((await offer.textContent())?.replace(/\s/g, ' ')).toContain(
      'IDR 10,000.00 by agt-7 (agent)',
    );
    expect(await offer.textContent()).toContain('Half back, lamp kept.');
    const stored = await getRefund(t, a.agent, id);
    expect([stored.status, stored.offer]).toEqual([
      'SUBMITTED',
      expect.objectContaining({
        amount: 1_000_000,
        madeBy: { role: 'agent', id: 'agt-7' },
        status: 'OPEN',
      }),
    ]);
    // One offer at a time: the console offers withdrawing it instead.
    expect(await page.getByRole('button', { name: 'Make an offer…' }).count()).toBe(0);
    await page.getByRole('button', { name: 'Withdraw the offer…' }).click();
    await page
      .getByRole('dialog', { name: 'Withdraw the offer of IDR 10,000.00?' })
      .getByRole('button', { name: 'Withdraw offer' })
      .click();
    await offer.filter({ hasText: 'Withdrawn' }).waitFor();
    expect((await getRefund(t, a.agent, id)).offer.status).toBe('WITHDRAWN');
    await page.close();
  });

  it('shows the refusal in plain words when someone else decided first', async () => {
    const refund = await disputedRefund('cus-5', 2_000_000);
    const page = await browser.newPage();
    await signIn(page, 'agt-7');
    await page.goto(`${baseUrl}/console/cases/${refund.caseId}`);
    await page.getByRole('button', { name: "Resolve dispute: customer's favour…" }).waitFor();
    // While the refund is disputed, the dispute decides the case: no Solve.
    await page.getByText('While the refund is disputed').waitFor();
    expect(await page.getByRole('button', { name: 'Solve…' }).count()).toBe(0);

    // A double click acts once (a second hold would be refused with a 409), and the focus
    // moves from the button the action hid to the notice.
    await page.getByRole('button', { name: 'Put on hold' }).dblclick();
    await page.getByRole('status').filter({ hasText: 'The case is now On hold.' }).waitFor();
    await page.locator('.notice-slot .banner:focus').waitFor();
    await page.getByRole('button', { name: 'Set pending customer' }).waitFor();
    expect(await page.getByRole('button', { name: 'Put on hold' }).count()).toBe(0);
    const history = await t.http
      .get(`/v1/cases/${refund.caseId}/history`)
      .set('Authorization', a.agent);
    expect(
      history.body.filter((entry: { change: string }) => entry.change === 'hold'),
    ).toHaveLength(1);

    // Another agent decides while this one has the dialog open.
    await page.getByRole('button', { name: "Resolve dispute: customer's favour…" }).click();
    const dialog = page.getByRole('dialog', { name: 'Resolve the dispute' });
    await dialog.waitFor();
    const other = await t.bearer('agent', 'agt-8');
    const decided = await act(t, other, refund.id, 'resolve-dispute', {
      outcome: 'MERCHANT_FAVOUR',
      note: 'The courier photo shows the parcel intact.',
    });
    expect(decided.status).toBe(200);

    await dialog.getByLabel(/In the customer's favour/).check();
    const note = dialog.getByLabel('Message to the customer');
    await note.fill('Refund the customer.');
    // A passing fault (here a 503) keeps the dialog and what was typed, to try again.
    await page.route(
      '**/resolve-dispute',
      (route) =>
        route.fulfill({
          status: 503,
          contentType: 'application/problem+json',
          body: JSON.stringify({ status: 503, code: 'DATABASE_UNAVAILABLE' }),
        }),
      { times: 1 },
    );
    await dialog.getByRole('button', { name: 'Resolve dispute' }).click();
    await dialog.getByRole('alert').filter({ hasText: 'cannot reach its database' }).waitFor();
    expect(await note.inputValue()).toBe('Refund the customer.');
    browser.expectError(/status of 503/);
    await dialog.getByRole('button', { name: 'Resolve dispute' }).click();

    const alert = page.getByRole('alert').filter({ hasText: 'Someone else changed this refund' });
    await alert.waitFor();
    expect(await alert.textContent()).toContain('Nothing was done');
    // The page shows the refund as the other agent left it, with no dispute to resolve.
    await page.locator('.facts .status', { hasText: 'Closed' }).waitFor();
    expect(await page.getByRole('button', { name: /^Resolve dispute:/ }).count()).toBe(0);
    expect((await getRefund(t, a.agent, refund.id)).status).toBe('CLOSED');
    // The browser logs the refused request itself; that one is expected.
    browser.expectError(/status of 412/);
    await page.close();
  });

  it("shows a case waiting on the customer as paused, and the customer's rating once solved", async () => {
    const customer = await t.bearer('customer', 'cus-7');
    const transactionId = await payment('cus-7', 450_000, 'Desk lamp');
    const draft = await t.http
      .post('/v1/refunds')
      .set('Authorization', customer)
      .send({ transactionId, amount: 450_000, reasonCode: 'NOT_RECEIVED' });
    const escalated = await t.http
      .post(`/v1/refunds/${draft.body.id}/escalate`)
      .set('Authorization', customer)
      .send({ message: 'Where is my lamp?' });
    const caseId = escalated.body.id as string;
    const pending = await t.http
      .post(`/v1/cases/${caseId}/pending`)
      .set('Authorization', a.agent)
      .send({});
    expect(pending.body.slaPausedSince).toEqual(expect.any(String));

    const page = await browser.newPage();
    await signIn(page, 'agt-7');
    const row = page.locator('table.queue tbody tr').filter({ hasText: 'cus-7' });
    await row.waitFor();
    expect(await row.locator('td.sla').textContent()).toBe('Waiting on customer — SLA paused');
    await page.goto(`${baseUrl}/console/cases/${caseId}`);
    const sla = page.locator('.facts dd.sla');
    await sla.filter({ hasText: 'Waiting on customer — SLA paused' }).waitFor();

    expect(
      (await t.http.post(`/v1/cases/${caseId}/solve`).set('Authorization', a.agent).send({}))
        .status,
    ).toBe(200);
    const rated = await t.http
      .post(`/v1/cases/${caseId}/rating`)
      .set('Authorization', customer)
      .send({ score: 4, comment: 'Found it at the neighbours.' });
    expect(rated.status).toBe(201);
    await page.reload();
    const rating = page.locator('.facts dd.rating');
    await rating.waitFor();
    expect(await rating.textContent()).toContain('4/5');
    expect(await rating.textContent()).toContain('Found it at the neighbours.');
    expect(await sla.textContent()).toBe('Solved in time');
    await page.close();
  });
});

/**
 * For the screenshot only: gives Chromium's PDF viewer (a frame of its own) a moment to draw.
 * Whether a build ships the viewer is Chromium's business, so its absence fails nothing.
 */
async function pdfViewerSettled(page: Page) {
  const deadline = Date.now() + 5_000;
  while (!page.frames().some((frame) => frame.url().startsWith('chrome-extension:'))) {
    if (Date.now() > deadline) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await new Promise((resolve) => setTimeout(resolve, 1_000));
}

/** Polls `check` (locator reads, never page-side eval: the console's CSP forbids it). */
async function until(check: () => Promise<boolean>, what: string, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Waits until the locator matches exactly `count` elements. */
async function waitForCount(locator: ReturnType<Page['locator']>, count: number) {
  await until(async () => (await locator.count()) === count, `${count} rows`);
}
