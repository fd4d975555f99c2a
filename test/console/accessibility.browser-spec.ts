import type { Page } from 'playwright-core';
import type { TestApp } from '../support/app';
import { allDayChannelsFile, DISPUTE, REJECT, SUBMIT } from '../support/cases';
import { act, type Actors } from '../support/refunds';
import { expectAccessible } from './axe';
import type { Browser } from './browser';
import { ledgerPayment, startConsoleWorld, stopConsoleWorld } from './console-world';
import { parcelPhoto, receiptPdf } from './fixtures';

/**
 * axe-core (evaluated inside the page, the console's CSP left on) on the agent console's main
 * screens: sign-in, the queue, a dispute case with its evidence, an escalation, a stolen wallet
 * case. No serious or critical violation.
 */
describe('the agent console is accessible', () => {
  let t: TestApp;
  let a: Actors;
  let browser: Browser;
  let baseUrl: string;

  beforeAll(async () => {
    ({ t, a, browser, baseUrl } = await startConsoleWorld({
      SUPPORT_CHANNELS: allDayChannelsFile().file,
    }));
  });
  afterAll(() => stopConsoleWorld({ t, browser }));
  afterEach(() => {
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
  }

  async function signIn(page: Page) {
    const token = (await t.bearer('agent', 'agt-1')).replace(/^Bearer /, '');
    await page.goto(`${baseUrl}/console/`);
    await page.getByLabel('Agent token').waitFor();
    await expectAccessible(page, 'sign-in');
    await page.getByLabel('Agent token').fill(token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Support queue' }).waitFor();
  }

  it('has no serious or critical violation on the queue and the case pages', async () => {
    // A disputed damaged-parcel refund with a photo and a receipt: a DISPUTE case.
    const customer = a.customer;
    const transactionId = await payment('cus-1', 15_000_000, 'Ceramic tea set');
    const applied = await t.http.post('/v1/refunds').set('Authorization', customer).send({
      transactionId,
      amount: 15_000_000,
      reasonCode: 'DEFECTIVE_OR_DAMAGED',
      description: 'The tea set arrived with two cups broken and the box torn open.',
    });
    expect(applied.status).toBe(201);
    const refundId = applied.body.id as string;
    await upload(customer, refundId, parcelPhoto(), 'damaged-parcel.png', 'PHOTO');
    await upload(
      customer,
      refundId,
      receiptPdf(['Receipt', transactionId]),
      'receipt.pdf',
      'RECEIPT',
    );
    for (const [who, action, body] of [SUBMIT, REJECT, DISPUTE]) {
      expect((await act(t, a[who], refundId, action, body)).status).toBe(200);
    }
    // An escalation, and a stolen wallet report.
    const shoes = await payment('cus-2', 899_900, 'Running shoes');
    const draft = await t.http
      .post('/v1/refunds')
      .set('Authorization', a.otherCustomer)
      .send({ transactionId: shoes, amount: 899_900, reasonCode: 'NOT_RECEIVED' });
    const escalated = await t.http
      .post(`/v1/refunds/${draft.body.id}/escalate`)
      .set('Authorization', a.otherCustomer)
      .send({ message: 'The parcel never came and the shop does not answer.' });
    expect(escalated.status).toBe(201);
    const stolenCustomer = await t.bearer('customer', 'cus-stolen');
    const voucher = await payment('cus-stolen', 2_500_000, 'Game voucher');
    const report = await t.http
      .post('/v1/security-reports')
      .set('Authorization', stolenCustomer)
      .send({ description: 'My phone was stolen last night.', transactionIds: [voucher] });
    expect(report.status).toBe(201);

    const page = await browser.newPage();
    await signIn(page);
    const rows = page.locator('table.queue tbody tr');
    await rows.nth(2).waitFor();
    await expectAccessible(page, 'queue');

    await page.goto(`${baseUrl}/console/cases/${escalated.body.id}`);
    await page.getByText('The parcel never came and the shop does not answer.').first().waitFor();
    await expectAccessible(page, 'escalation case');

    const dispute = await t.http.get(`/v1/refunds/${refundId}`).set('Authorization', a.agent);
    await page.goto(`${baseUrl}/console/cases/${dispute.body.caseId}`);
    await page.getByRole('img', { name: 'Evidence: damaged-parcel.png' }).waitFor();
    await expectAccessible(page, 'dispute case');

    await page.goto(`${baseUrl}/console/refunds/${refundId}`);
    await page.getByText('The tea set arrived with two cups broken').first().waitFor();
    await expectAccessible(page, 'refund page');

    await page.goto(`${baseUrl}/console/cases/${report.body.caseId}`);
    await page.getByText('My phone was stolen last night.').first().waitFor();
    await expectAccessible(page, 'stolen wallet case');
    await page.close();
  });
});
