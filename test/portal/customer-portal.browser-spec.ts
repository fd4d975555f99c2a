import { startTestApp, TestApp } from '../support/app';
import { allDayChannelsFile } from '../support/cases';
import { act, actors, Actors } from '../support/refunds';
import { launchBrowser, type Browser } from '../console/browser';
import { parcelPhoto } from '../console/fixtures';
import {
  chooseLanguage,
  expectAccessible,
  expectHeading,
  ledgerPayment,
  phone as phoneOf,
  shoot,
  tabTo as tabToIn,
  textOf,
} from './portal-page';

/**
 * The customer portal in Debian's Chromium against the whole service, at a phone's size, with
 * the portal's production build (npm run test:portal builds it first).
 */
describe('the customer portal', () => {
  let t: TestApp;
  let a: Actors;
  let browser: Browser;
  let baseUrl: string;
  let token: string;

  beforeAll(async () => {
    browser = await launchBrowser();
    // Every channel open all day: what the page offers depends on notices only.
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
    // CSP violations and script errors show up here: the portal must load clean under its policy.
    if (browser) expect(browser.errors).toEqual([]);
  });

  const payment = (description: string, amount?: number) =>
    ledgerPayment(t, a, description, amount);
  const phone = () => phoneOf(browser);

  it('signs in from the URL fragment, which leaves the address bar at once', async () => {
    const page = await phone();
    const requests: string[] = [];
    page.on('request', (request) => requests.push(request.url()));
    await page.goto(`${baseUrl}/portal/#token=${token}`);
    await expectHeading(page, 'My payments');
    expect(page.url()).toBe(`${baseUrl}/portal/`);
    expect(requests.filter((url) => url.includes(token))).toEqual([]);
    await page.close();
  });

  it('walks a customer in Bahasa Indonesia from a payment to a dispute', async () => {
    const transactionId = await payment('Set cangkir keramik');
    const page = await phone();
    await page.goto(`${baseUrl}/portal/#token=${token}`);
    await chooseLanguage(page, 'id');
    await expectHeading(page, 'Pembayaran saya');
    const home = await textOf(page);
    expect(home).toContain('Rp 150.000');
    expect(home).toContain('Masih dapat dikembalikan: Rp 150.000');
    await shoot(page, 'portal-home-id.png');
    await expectAccessible(page, 'home');

    // Apply: the checklist of the chosen reason shows before anything is sent.
    const card = page.locator('li.card', { hasText: transactionId });
    await card.getByRole('link', { name: /Ajukan pengembalian dana/ }).click();
    await expectHeading(page, 'Ajukan pengembalian dana');
    await page.getByLabel('Barang datang cacat atau rusak').check();
    await expect(page.locator('.checklist-box').innerText()).resolves.toContain(
      'Foto yang memperlihatkan cacat atau kerusakan',
    );
    await page.getByLabel('Ceritakan apa yang terjadi').fill('Dua cangkir pecah, kotaknya sobek.');
    await shoot(page, 'portal-apply-id.png');
    await expectAccessible(page, 'apply');
    await page.getByRole('button', { name: 'Lanjutkan' }).click();
    await page.getByText('Draf: belum dikirim').waitFor();
    expect(await textOf(page, '.checklist-box')).toContain('masih diperlukan');
    const refundId = decodeURIComponent(new URL(page.url()).pathname.split('/').pop()!);

    // A HEIC photo this browser cannot decode is refused on the page, saying what to do.
    await page.locator('input[capture]').setInputFiles({
      name: 'IMG_0001.heic',
      mimeType: 'image/heic',
      buffer: Buffer.from('not really a HEIC image'),
    });
    await page.getByText(/IMG_0001\.heic tidak dapat dibaca sebagai gambar/).waitFor();

    // The photo: shrunk to JPEG in the browser before the upload.
    await page.locator('input[capture]').setInputFiles({
      name: 'kotak-rusak.png',
      mimeType: 'image/png',
      buffer: parcelPhoto(2400, 1600),
    });
    await page.getByText('kotak-rusak.jpg ditambahkan.').waitFor();
    const files = await t.http
      .get(`/v1/refunds/${refundId}/attachments`)
      .set('Authorization', a.customer);
    const list = Array.isArray(files.body) ? files.body : files.body.data;
    expect(list).toEqual([
      expect.objectContaining({
        kind: 'PHOTO',
        contentType: 'image/jpeg',
        fileName: 'kotak-rusak.jpg',
      }),
    ]);
    expect(await textOf(page, '.checklist-box')).toContain('sudah');

    await page.getByRole('button', { name: 'Kirim untuk ditinjau' }).click();
    await page.getByText('Terkirim. Penjual akan meninjaunya.').waitFor();
    await page.getByText('Menunggu tinjauan penjual').waitFor();
    const submitted = await textOf(page);
    expect(submitted).toMatch(/Tinjauan paling lambat \d{1,2} \w+ 2026 · Sisa \d hari kerja/);
    expect(submitted).toContain('Anda mengirim permintaan');
    await shoot(page, 'portal-refund-id.png');
    await expectAccessible(page, 'refund');

    // The merchant asks; the customer answers on the page.
    expect((await act(t, a.merchant, refundId, 'start-review')).status).toBe(200);
    const question = 'Apakah kemasan luarnya juga rusak?';
    expect((await act(t, a.merchant, refundId, 'request-info', { question })).status).toBe(200);
    await page.reload();
    await page.getByText('Penjual mengajukan pertanyaan kepada Anda').waitFor();
    expect(await textOf(page)).toContain(`Pertanyaan penjual: ${question}`);
    await page.getByLabel('Jawaban Anda').fill('Ya, kotaknya sobek di satu sudut.');
    await page.getByRole('button', { name: 'Kirim' }).click();
    await page.getByText('Terima kasih: jawaban Anda sudah diteruskan ke penjual.').waitFor();

    // Rejected: the customer disputes, with a record of talking to the merchant.
    const answered = await t.http.get(`/v1/refunds/${refundId}`).set('Authorization', a.merchant);
    expect(answered.body.status).toBe('SUBMITTED');
    const reason = 'Foto tidak menunjukkan kerusakan akibat pengiriman.';
    expect((await act(t, a.merchant, refundId, 'reject', { reason })).status).toBe(200);
    await page.reload();
    await page.getByText('Ditolak oleh penjual').waitFor();
    const rejected = await textOf(page);
    expect(rejected).toContain(`Alasan penjual: ${reason}`);
    expect(rejected).toContain('Sanggah paling lambat');
    await page.getByLabel('Mengapa Anda tidak setuju?').fill('Kerusakan terlihat jelas di foto.');
    await page.getByLabel('Kapan').fill('2026-11-21T11:00');
    await page.getByLabel('Melalui (chat, telepon, e-mail…)').fill('chat penjual');
    await page.getByLabel('Apa yang dibicarakan').fill('Penjual menolak mengganti barang.');
    await page.getByRole('button', { name: 'Kirim', exact: true }).click();
    await page.getByText('Sanggahan Anda tercatat. Tim dukungan kami akan memeriksanya.').waitFor();
    await page.locator('.badge', { hasText: 'Anda menyanggah keputusan' }).waitFor();

    const events = await t.http.get(`/v1/refunds/${refundId}/events`).set('Authorization', a.agent);
    const dispute = (events.body.data ?? events.body).find(
      (event: { action: string }) => event.action === 'dispute',
    );
    expect(dispute.details.negotiationRecords).toEqual([
      {
        at: '2026-11-21T04:00:00.000Z',
        channel: 'chat penjual',
        summary: 'Penjual menolak mengganti barang.',
      },
    ]);
    const timeline = await textOf(page, '.timeline');
    for (const line of [
      'Anda mengajukan pengembalian dana',
      'Penjual mengajukan pertanyaan',
      'Anda menjawab pertanyaan',
      'Penjual menolak pengembalian dana',
      'Anda menyanggah keputusan',
    ]) {
      expect(timeline).toContain(line);
    }
    await page.close();
  });

  it('shows a notice naming the channels that still work, and escalates through one', async () => {
    const notice = await t.http
      .post('/v1/notices')
      .set('Authorization', a.agent)
      .send({
        title: 'Pemeliharaan hotline',
        body: 'Hotline tidak tersedia sampai pukul 18.00.',
        startsAt: new Date(Date.now() - 60_000).toISOString(),
        endsAt: new Date(Date.now() + 3_600_000).toISOString(),
        affectedChannels: ['HOTLINE'],
      });
    expect(notice.status).toBe(201);
    try {
      const transactionId = await payment('Sepatu lari');
      const applied = await t.http
        .post('/v1/refunds')
        .set('Authorization', a.customer)
        .send({ transactionId, amount: 5_000_000, reasonCode: 'NOT_RECEIVED' });
      expect((await act(t, a.customer, applied.body.id, 'submit')).status).toBe(200);

      const page = await phone();
      await page.goto(`${baseUrl}/portal/refunds/${applied.body.id}#token=${token}`);
      await chooseLanguage(page, 'id');
      const banner = await textOf(page, '.notice');
      expect(banner).toContain('Pemeliharaan hotline');
      expect(banner).toContain(
        'Anda tetap dapat menghubungi kami melalui: chat dalam aplikasi, e-mail, media sosial.',
      );
      await page.getByText('Hubungi tim dukungan').click();
      const offered = await page
        .locator('input[name="channel"]')
        .evaluateAll((inputs) =>
          inputs.map((input) => (input as unknown as { value: string }).value),
        );
      expect(offered).toEqual(['IN_APP_CHAT', 'EMAIL', 'SOCIAL_MEDIA']);
      await page.getByLabel('e-mail').check();
      await page.getByLabel('Pesan Anda untuk tim dukungan').fill('Paket belum sampai.');
      await page.getByRole('button', { name: 'Kirim', exact: true }).click();
      await page
        .getByText('Tim dukungan menerima pesan Anda dan akan menjawab melalui e-mail.')
        .waitFor();
      await expectAccessible(page, 'refund with a notice');
      await page.close();
    } finally {
      await t.http.post(`/v1/notices/${notice.body.id}/end`).set('Authorization', a.agent).send({});
    }
  });

  it('speaks English and Chinese on the main screens, and the choice sticks', async () => {
    const transactionId = await payment('Ceramic tea set');
    const page = await phone();
    await page.goto(`${baseUrl}/portal/#token=${token}`);
    await chooseLanguage(page, 'en');
    await expectHeading(page, 'My payments');
    expect(await textOf(page)).toContain('Can still be refunded: IDR');
    await shoot(page, 'portal-home-en.png');
    await page.locator('li.card', { hasText: transactionId }).getByRole('link').click();
    await page.getByLabel('It arrived defective or damaged').check();
    expect(await textOf(page, '.checklist-box')).toContain('A photo showing the defect or damage');
    await shoot(page, 'portal-apply-en.png');

    const refunds = await t.http.get('/v1/refunds').set('Authorization', a.customer);
    const disputed = refunds.body.data.find((r: { status: string }) => r.status === 'DISPUTED');
    await page.goto(`${baseUrl}/portal/refunds/${disputed.id}`);
    await page.locator('.badge', { hasText: 'You disputed the decision' }).waitFor();
    expect(await textOf(page)).toContain('The merchant responds, then our support team decides.');
    await shoot(page, 'portal-refund-en.png');

    await chooseLanguage(page, 'zh');
    await page.locator('.badge', { hasText: '您对决定提出了申诉' }).waitFor();
    expect(await textOf(page)).toContain('商家将作出回应，随后由我们的客服团队决定。');
    await shoot(page, 'portal-refund-zh.png');
    await expectAccessible(page, 'refund in Chinese');
    // The choice is kept on this device: a new visit opens in Chinese.
    await page.goto(`${baseUrl}/portal/`);
    await expectHeading(page, '我的付款');
    expect(await textOf(page)).toContain('仍可退款：IDR');
    await shoot(page, 'portal-home-zh.png');
    await page.locator('li.card', { hasText: transactionId }).getByRole('link').click();
    await page.getByLabel('商品有缺陷或已损坏').check();
    expect(await textOf(page, '.checklist-box')).toContain('一张显示缺陷或损坏的照片');
    await shoot(page, 'portal-apply-zh.png');
    await page.close();
  });

  it('works with the keyboard alone: sign in by pasting, apply, submit', async () => {
    const transactionId = await payment('Keyboard-only purchase', 2_500_000);
    const page = await phone();
    await page.goto(`${baseUrl}/portal/`);
    await page.evaluate('sessionStorage.clear(); localStorage.clear()');
    await page.reload();
    await expectHeading(page, 'Sign in to follow your refunds');
    await expectAccessible(page, 'sign-in');

    const tabTo = (test: string) => tabToIn(page, test, 40);
    await tabTo("el.id === 'token'");
    await page.keyboard.insertText(token);
    await tabTo("el.tagName === 'BUTTON' && el.textContent === 'Sign in'");
    await page.keyboard.press('Enter');
    await expectHeading(page, 'My payments');

    await tabTo("el.tagName === 'A' && el.textContent.includes('Keyboard-only purchase')");
    await page.keyboard.press('Enter');
    await expectHeading(page, 'Ask for a refund');
    await tabTo("el.name === 'reason'");
    // Arrow keys move through the radio group; back up to the first reason (no evidence needed).
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('Space');
    await tabTo("el.tagName === 'BUTTON' && el.textContent === 'Continue'");
    await page.keyboard.press('Enter');
    await page.getByText('Draft: not sent yet').waitFor();
    await tabTo("el.tagName === 'BUTTON' && el.textContent === 'Submit for review'");
    await page.keyboard.press('Enter');
    await page.getByText('Submitted. The merchant will review it.').waitFor();
    // The news takes the focus, so a keyboard user lands on it.
    expect(await page.evaluate('document.activeElement?.textContent')).toBe(
      'Submitted. The merchant will review it.',
    );
    const refunds = await t.http
      .get('/v1/refunds')
      .query({ transactionId })
      .set('Authorization', a.customer);
    expect(refunds.body.data.map((r: { status: string }) => r.status)).toEqual(['SUBMITTED']);
    await page.close();
  });
});
