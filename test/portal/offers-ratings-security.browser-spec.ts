import { startTestApp, TestApp } from '../support/app';
import { allDayChannelsFile, caseAction, escalate, getRefund } from '../support/cases';
import { act, actors, Actors } from '../support/refunds';
import { launchBrowser, type Browser } from '../console/browser';
import {
  chooseLanguage,
  expectAccessible,
  expectHeading,
  ledgerPayment,
  phone,
  shoot,
  tabTo,
  textOf,
} from './portal-page';

/**
 * The portal's answers to a settlement offer, a case's rating and a stolen wallet report, in
 * Debian's Chromium against the whole service (npm run test:portal builds the page first).
 */
describe('the customer portal: offers, ratings and a stolen wallet', () => {
  let t: TestApp;
  let a: Actors;
  let browser: Browser;
  let baseUrl: string;
  let token: string;

  beforeAll(async () => {
    browser = await launchBrowser();
    t = await startTestApp({ SUPPORT_CHANNELS: allDayChannelsFile().file });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    baseUrl = (await t.app.getUrl()).replace('[::1]', '127.0.0.1');
    a = await actors(t);
    token = a.customer.replace(/^Bearer /, '');
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });
  afterEach(() => {
    if (browser) expect(browser.errors).toEqual([]);
  });

  /** A SUBMITTED refund of all of a fresh 150,000 rupiah payment, with the merchant's offer. */
  async function offeredRefund(description: string, offer: number, message: string) {
    const transactionId = await ledgerPayment(t, a, description);
    const applied = await t.http
      .post('/v1/refunds')
      .set('Authorization', a.customer)
      .send({ transactionId, amount: 15_000_000, reasonCode: 'NOT_RECEIVED' });
    expect(applied.status).toBe(201);
    expect((await act(t, a.customer, applied.body.id, 'submit')).status).toBe(200);
    const offered = await act(t, a.merchant, applied.body.id, 'offer', { amount: offer, message });
    expect(offered.status).toBe(200);
    return offered.body as { id: string; version: number };
  }

  it('shows an open offer in Bahasa Indonesia and accepts it, by keyboard, after asking', async () => {
    const message = 'Barangnya sudah dikirim ulang sebagian; kami kembalikan dua pertiga.';
    const refund = await offeredRefund('Headphone nirkabel', 10_000_000, message);
    const page = await phone(browser);
    const ifMatch: string[] = [];
    page.on('request', (request) => {
      if (request.url().endsWith('/accept-offer')) ifMatch.push(request.headers()['if-match']);
    });
    await page.goto(`${baseUrl}/portal/#token=${token}`);
    await chooseLanguage(page, 'id');
    await expectHeading(page, 'Pembayaran saya');
    // The list of refunds says an offer waits; the refund says who acts now: the customer.
    expect(await textOf(page)).toContain('Ada penawaran yang menunggu jawaban Anda: Rp 100.000.');
    await page.goto(`${baseUrl}/portal/refunds/${refund.id}`);
    await page.locator('#offer-title', { hasText: 'Penawaran penyelesaian' }).waitFor();
    const facts = await textOf(page, 'main > .facts');
    expect(facts).toMatch(/Siapa yang bertindak sekarang\s+Anda\s/);
    expect(facts).toContain('Terima atau tolak penawaran di bawah.');
    const box = await textOf(page, '.offer');
    expect(box).toContain('Anda meminta Rp 150.000. Anda ditawari Rp 100.000 sebagai gantinya.');
    expect(box).toContain(`“${message}”`);
    expect(box).toMatch(/Berlaku sampai\s+\d{1,2} \w+ 2026/);
    await shoot(page, 'portal-offer-id.png');
    await expectAccessible(page, 'refund with an offer');

    await tabTo(page, "el.tagName === 'BUTTON' && el.textContent === 'Terima penawaran'");
    await page.keyboard.press('Enter');
    // The question takes the focus: nothing is accepted before the customer says yes.
    await page.waitForFunction(`document.activeElement?.id === 'offer-confirm'`);
    expect(await textOf(page, '#offer-confirm')).toBe(
      'Terima Rp 100.000? Pengembalian dana Anda akan disetujui sebesar jumlah ini.',
    );
    expect((await getRefund(t, a.customer, refund.id)).offer.status).toBe('OPEN');
    await expectAccessible(page, 'offer confirmation');
    await tabTo(page, "el.tagName === 'BUTTON' && el.textContent.startsWith('Ya, terima')");
    await page.keyboard.press('Enter');
    await page
      .getByText(/Anda menerima penawaran: pengembalian dana disetujui sebesar Rp/)
      .waitFor();
    expect(await textOf(page, '.flash')).toBe(
      'Anda menerima penawaran: pengembalian dana disetujui sebesar Rp 100.000.',
    );

    expect(ifMatch).toEqual([`"${refund.version}"`]);
    const accepted = await getRefund(t, a.customer, refund.id);
    expect(accepted).toMatchObject({
      status: 'APPROVED',
      amount: 10_000_000,
      requestedAmount: 15_000_000,
      offer: { status: 'ACCEPTED', amount: 10_000_000 },
    });
    await page.locator('.badge', { hasText: 'Disetujui' }).waitFor();
    expect(await page.locator('.offer').count()).toBe(0);
    expect(await textOf(page, '.timeline')).toContain('Anda menerima penawaran');
    await page.close();
  });

  it('declines an offer in English; the request goes on as it was', async () => {
    const refund = await offeredRefund('Wireless speaker', 5_000_000, 'A third back?');
    const page = await phone(browser);
    await page.goto(`${baseUrl}/portal/refunds/${refund.id}#token=${token}`);
    await chooseLanguage(page, 'en');
    await page.locator('#offer-title', { hasText: 'A settlement offer' }).waitFor();
    expect(await textOf(page, '.offer')).toContain(
      'You asked for IDR 150,000. You are offered IDR 50,000 instead.',
    );
    await shoot(page, 'portal-offer-en.png');
    await page.getByRole('button', { name: 'Decline the offer' }).click();
    await page.getByText('You declined the offer. Your request goes on as it was.').waitFor();
    const declined = await getRefund(t, a.customer, refund.id);
    expect(declined).toMatchObject({
      status: 'SUBMITTED',
      amount: 15_000_000,
      offer: { status: 'DECLINED' },
    });
    expect(declined.nextActions).not.toContain('accept-offer');
    // The refund as it is now: no offer box, the timeline with the answer.
    await page.locator('.offer').waitFor({ state: 'detached' });
    expect(await textOf(page, '.timeline')).toContain('The merchant made a settlement offer');
    expect(await textOf(page, '.timeline')).toContain('You declined the offer');
    await page.close();
  });

  it('rates a solved case from the list of cases, by keyboard, and shows the rating', async () => {
    const transactionId = await ledgerPayment(t, a, 'Rice cooker');
    const applied = await t.http
      .post('/v1/refunds')
      .set('Authorization', a.customer)
      .send({ transactionId, amount: 15_000_000, reasonCode: 'NOT_RECEIVED' });
    expect((await act(t, a.customer, applied.body.id, 'submit')).status).toBe(200);
    const escalated = await escalate(t, a.customer, applied.body.id);
    expect(escalated.status).toBe(201);
    const caseId = escalated.body.id as string;
    expect((await caseAction(t, a.agent, caseId, 'solve')).status).toBe(200);

    const page = await phone(browser);
    await page.goto(`${baseUrl}/portal/#token=${token}`);
    await chooseLanguage(page, 'en');
    await expectHeading(page, 'My payments');
    const card = page.locator(`li.case[data-case-id="${caseId}"]`);
    await card.locator('.badge', { hasText: 'Solved' }).waitFor();
    expect(await textOf(page, `li.case[data-case-id="${caseId}"]`)).toContain('How did we do?');
    await expectAccessible(page, 'home with a case to rate');

    const inCard = `el.closest('[data-case-id="${caseId}"]') !== null`;
    await tabTo(page, `${inCard} && el.type === 'radio'`);
    await page.keyboard.press('Space');
    for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowRight');
    expect(await card.getByLabel('4 of 5').isChecked()).toBe(true);
    await tabTo(page, `${inCard} && el.tagName === 'TEXTAREA'`);
    await page.keyboard.insertText('Quick and kind.');
    await shoot(page, 'portal-rating-en.png');
    await tabTo(page, `${inCard} && el.textContent === 'Send rating'`);
    await page.keyboard.press('Enter');
    await card.getByText('Your rating: 4 of 5 · “Quick and kind.”').waitFor();
    expect(await card.locator('form').count()).toBe(0);

    const rated = await t.http.get(`/v1/cases/${caseId}`).set('Authorization', a.customer);
    expect(rated.body.rating).toMatchObject({ score: 4, comment: 'Quick and kind.' });
    await page.close();
  });

  it('files a stolen wallet report in Chinese with a payment, and shows the hold and the steps', async () => {
    const stolen = await ledgerPayment(t, a, 'Top-up I did not make', 7_500_000);
    const page = await phone(browser);
    await page.goto(`${baseUrl}/portal/#token=${token}`);
    await chooseLanguage(page, 'zh');
    await expectHeading(page, '我的付款');
    await page.getByRole('link', { name: '报告钱包被盗' }).click();
    await expectHeading(page, '报告钱包被盗');
    await expectAccessible(page, 'stolen wallet form');

    await page.getByLabel('发生了什么？').fill('我的手机昨晚被偷了，这笔充值不是我做的。');
    await page.getByLabel(new RegExp(stolen)).check();
    await page.getByLabel('热线电话').check();
    await page.getByRole('button', { name: '提交报告' }).click();
    await page.getByText('您的报告已提交，我们的客服团队会尽快联系您。').waitFor();

    const report = await textOf(page, '.report.open');
    expect(report).toContain('处理中：付款已暂停');
    expect(report).toContain('在客服团队确认您的账户安全之前，您的退款付款已暂停。');
    expect(report).toContain(`报告的付款：${stolen}`);
    expect(report).toContain('您现在应该做的');
    const steps = await page
      .locator('.report.open .steps li')
      .evaluateAll((items) => items.map((item) => item.getAttribute('data-code')));
    expect(steps).toEqual([
      'CHANGE_PASSWORD',
      'ENABLE_TWO_FACTOR',
      'REVIEW_ACCOUNT_ACTIVITY',
      'REPLACE_LINKED_BANK_CARD',
      'AVOID_PUBLIC_WIFI',
    ]);
    expect(report).toContain('请立即在可信的设备上修改钱包密码和PIN。');
    await shoot(page, 'portal-security-zh.png');
    await expectAccessible(page, 'stolen wallet report');

    const reports = await t.http.get('/v1/security-reports').set('Authorization', a.customer);
    expect(reports.body.data).toHaveLength(1);
    const filed = reports.body.data[0];
    expect(filed).toMatchObject({
      status: 'OPEN',
      transactionIds: [stolen],
      payoutHold: { active: true },
    });
    expect(filed.refundIds).toHaveLength(1);
    const reportCase = await t.http.get(`/v1/cases/${filed.caseId}`).set('Authorization', a.agent);
    expect(reportCase.body).toMatchObject({ reason: 'ACCOUNT_COMPROMISED', channel: 'HOTLINE' });

    // Opened again, the report is at the top; home and the filed refund say payouts are held.
    await page.goto(`${baseUrl}/portal/`);
    await page.locator('main .held').waitFor();
    expect(await textOf(page, 'main .held')).toBe(
      '在客服团队确认您的账户安全之前，您的退款付款已暂停。 查看您的报告',
    );
    await page.goto(`${baseUrl}/portal/refunds/${filed.refundIds[0]}`);
    await page.getByText('您的钱包被盗报告处理期间，付款已暂停。').waitFor();
    await page.getByRole('link', { name: '查看您的报告' }).click();
    await expectHeading(page, '报告钱包被盗');
    await page.locator('.report.open').waitFor();
    const reportFirst = await page.evaluate(
      `document.querySelector('.report.open').compareDocumentPosition(document.querySelector('main form')) & Node.DOCUMENT_POSITION_FOLLOWING`,
    );
    expect(reportFirst).toBeTruthy();
    await page.close();
  });
});
