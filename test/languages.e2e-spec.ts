import { randomUUID } from 'node:crypto';
import { businessDaysUntil } from '../apps/api/src/common/business-time';
import { startTestApp, TestApp } from './support/app';
import { payment, PNG } from './support/fixtures';
import { act, actors, Actors, draft } from './support/refunds';

let t: TestApp;
let a: Actors;
beforeAll(async () => {
  t = await startTestApp();
  a = await actors(t);
});
afterAll(() => t.close());

const submitIn = (language: string, refundId: string, key?: string) => {
  const req = t.http
    .post(`/v1/refunds/${refundId}/submit`)
    .set('Authorization', a.customer)
    .set('Accept-Language', language);
  return (key ? req.set('Idempotency-Key', key) : req).send({});
};

describe('problems follow Accept-Language', () => {
  it('answers the same problem in Bahasa Indonesia, Chinese and English, code unchanged', async () => {
    const refund = await draft(t, a, { reasonCode: 'DEFECTIVE_OR_DAMAGED' });
    const id = await submitIn('id-ID,id;q=0.9,en;q=0.8', refund.id);
    const zh = await submitIn('zh-TW', refund.id);
    const en = await submitIn('en-US', refund.id);
    for (const res of [id, zh, en]) {
      expect([res.status, res.body.code]).toEqual([422, 'EVIDENCE_MISSING']);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    }
    expect(id.headers['content-language']).toBe('id');
    expect(id.body).toMatchObject({
      title: 'Tidak Dapat Diproses',
      detail: 'Bukti yang diperlukan untuk alasan ini belum lengkap.',
      errors: [{ field: 'evidence', message: 'foto yang memperlihatkan cacat atau kerusakan' }],
    });
    expect(zh.headers['content-language']).toBe('zh');
    expect(zh.body).toMatchObject({
      title: '无法处理',
      errors: [{ field: 'evidence', message: '一张显示缺陷或损坏的照片' }],
    });
    expect(en.headers['content-language']).toBe('en');
    expect(en.body).toMatchObject({
      title: 'Unprocessable Content',
      errors: [{ field: 'evidence', message: 'a PHOTO attachment showing the defect or damage' }],
    });
    expect(en.body.detail).toMatch(/DEFECTIVE_OR_DAMAGED refund needs a PHOTO attachment/);
  });

  it('words a detail with values in each language, money formatted the language’s way', async () => {
    const transactionId = await payment(t, { amount: 15_000_000 });
    const apply = (language: string) =>
      t.http
        .post('/v1/refunds')
        .set('Authorization', a.customer)
        .set('Accept-Language', language)
        .send({ transactionId, amount: 15_000_001, reasonCode: 'NOT_RECEIVED' });
    const details = [];
    for (const language of ['id', 'en', 'zh']) {
      const res = await apply(language);
      expect([res.status, res.body.code]).toEqual([422, 'AMOUNT_EXCEEDS_REFUNDABLE']);
      details.push(String(res.body.detail).replace(/\u00a0/g, ' '));
    }
    expect(details).toEqual([
      'Pembayaran ini hanya menyisakan Rp 150.000 untuk dikembalikan.',
      'The payment has only IDR 150,000 left to refund.',
      '这笔付款仅剩 IDR 150,000 可退款。',
    ]);
  });

  it('weighs q-values, and falls back to English rather than 406', async () => {
    const ask = (language: string) =>
      t.http
        .get('/v1/refunds/not-a-refund')
        .set('Authorization', a.customer)
        .set('Accept-Language', language);
    const preferred = await ask('en;q=0.4, zh-CN;q=0.8, id;q=0.6');
    expect([preferred.status, preferred.headers['content-language']]).toEqual([404, 'zh']);
    expect(preferred.body).toMatchObject({ code: 'NOT_FOUND', title: '未找到' });
    for (const nothingKnown of ['fr-FR, de;q=0.5', 'id;q=0', '*']) {
      const res = await ask(nothingKnown);
      expect([res.status, res.headers['content-language'], res.body.title]).toEqual([
        404,
        'en',
        'Not Found',
      ]);
    }
    const none = await t.http.get('/v1/refunds/not-a-refund').set('Authorization', a.customer);
    expect(none.headers['content-language']).toBe('en');
  });

  it('translates the field messages the catalog has; fields never change', async () => {
    const res = await t.http
      .post('/v1/refunds')
      .set('Authorization', a.customer)
      .set('Accept-Language', 'id')
      .send({ transactionId: 'TX-1', amount: 1.5, reasonCode: 'BORED', sneaky: true });
    expect([res.status, res.body.code, res.body.title]).toEqual([
      400,
      'VALIDATION_FAILED',
      'Permintaan Tidak Valid',
    ]);
    const messages = Object.fromEntries(
      (res.body.errors as { field: string; message: string }[]).map((e) => [e.field, e.message]),
    );
    expect(messages).toMatchObject({
      amount: expect.any(String),
      reasonCode: 'bukan salah satu nilai yang diterima',
      sneaky: 'bukan kolom yang diterima',
    });
    expect(Object.values(messages).join(' ')).not.toMatch(/must|should/);
  });

  it('answers authentication problems in the language too', async () => {
    const res = await t.http.get('/v1/refunds').set('Accept-Language', 'zh');
    expect([res.status, res.body.code, res.body.title]).toEqual([401, 'UNAUTHENTICATED', '未登录']);
    expect(res.headers['content-language']).toBe('zh');
  });

  it('replays a keyed problem as first answered, whatever language the retry asks for', async () => {
    const refund = await draft(t, a, { reasonCode: 'OTHER', description: 'short' });
    const key = randomUUID();
    const first = await submitIn('id', refund.id, key);
    expect([first.status, first.headers['content-language']]).toEqual([422, 'id']);
    const replay = await submitIn('zh', refund.id, key);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.headers['content-language']).toBe('id');
    expect(replay.body).toEqual(first.body);
    expect(replay.body.errors).toEqual([
      { field: 'evidence', message: 'keterangan minimal 20 karakter' },
    ]);
  });
});

describe('GET /v1/refund-reasons', () => {
  it('lists every reason with its evidence rule, to anyone, in their language', async () => {
    const res = await t.http.get('/v1/refund-reasons').set('Accept-Language', 'id');
    expect(res.status).toBe(200);
    expect(res.headers['content-language']).toBe('id');
    expect(res.headers['vary']).toMatch(/Accept-Language/i);
    expect(res.body).toEqual([
      { code: 'NOT_RECEIVED', evidence: null, text: 'Barang atau layanan tidak saya terima' },
      { code: 'DEFECTIVE_OR_DAMAGED', evidence: 'PHOTO', text: 'Barang datang cacat atau rusak' },
      { code: 'NOT_AS_DESCRIBED', evidence: 'ATTACHMENT', text: 'Tidak sesuai deskripsi' },
      { code: 'DUPLICATE_CHARGE', evidence: null, text: 'Saya ditagih dua kali' },
      {
        code: 'UNAUTHORIZED_TRANSACTION',
        evidence: 'ATTACHMENT',
        text: 'Saya tidak melakukan pembayaran ini',
      },
      { code: 'CANCELLED_ORDER', evidence: null, text: 'Pesanan dibatalkan' },
      { code: 'OTHER', evidence: 'DESCRIPTION', text: 'Alasan lain' },
    ]);
    const zh = await t.http.get('/v1/refund-reasons').set('Accept-Language', 'zh-Hans-CN');
    expect(zh.body.map((r: { text: string }) => r.text)).toContain('我被重复扣款');
    const en = await t.http.get('/v1/refund-reasons');
    expect([en.headers['content-language'], en.body[0].text]).toEqual([
      'en',
      'I did not receive the goods or service',
    ]);
  });

  it('publishes the rule submit enforces: each reason with evidence is refused without it', async () => {
    const reasons = (await t.http.get('/v1/refund-reasons')).body as {
      code: string;
      evidence: string | null;
    }[];
    for (const { code, evidence } of reasons) {
      const refund = await draft(t, a, { reasonCode: code, description: 'short' });
      const res = await act(t, a.customer, refund.id, 'submit');
      expect([code, res.status]).toEqual([code, evidence === null ? 200 : 422]);
      if (evidence === 'PHOTO') {
        const receipt = await t.http
          .post(`/v1/refunds/${refund.id}/attachments`)
          .set('Authorization', a.customer)
          .field('kind', 'RECEIPT')
          .attach('file', PNG, { filename: 'receipt.png', contentType: 'image/png' });
        expect(receipt.status).toBe(201);
        // Any attachment is not enough for PHOTO: only a photo is.
        expect((await act(t, a.customer, refund.id, 'submit')).status).toBe(422);
      }
    }
  });
});

describe('reviewBusinessDaysLeft', () => {
  it('counts the business days to the review deadline while under review, else null', async () => {
    const refund = await draft(t, a);
    expect(refund.reviewBusinessDaysLeft).toBeNull();
    const submitted = await act(t, a.customer, refund.id, 'submit');
    const calendar = { timeZone: t.config.businessTimezone, holidays: t.config.holidays };
    const expected = businessDaysUntil(new Date(), new Date(submitted.body.reviewDueAt), calendar);
    expect(submitted.body.reviewBusinessDaysLeft).toBe(expected);
    expect(expected).toBeGreaterThanOrEqual(t.config.reviewSlaBusinessDays);

    await t.query(`UPDATE refunds SET review_due_at = now() - interval '1 hour' WHERE id = $1`, [
      refund.id,
    ]);
    const due = await t.http.get(`/v1/refunds/${refund.id}`).set('Authorization', a.customer);
    expect(due.body.reviewBusinessDaysLeft).toBe(0);

    const approved = await act(t, a.merchant, refund.id, 'approve');
    expect([approved.status, approved.body.reviewBusinessDaysLeft]).toEqual([200, null]);
  });
});
