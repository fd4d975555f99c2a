import { randomUUID } from 'node:crypto';
import { startTestApp, TestApp } from './support/app';
import { act } from './support/refunds';

const DRAFTS = 3;
const BYTES = 1_000;

/** A text file of exactly `size` bytes. */
const textOf = (size: number): Buffer => Buffer.alloc(size, 'a');

describe('quotas (MAX_OPEN_DRAFTS_PER_CUSTOMER, MAX_ATTACHMENT_BYTES_PER_CUSTOMER)', () => {
  let t: TestApp;
  let system: string;
  let merchant: string;
  beforeAll(async () => {
    t = await startTestApp({
      MAX_OPEN_DRAFTS_PER_CUSTOMER: String(DRAFTS),
      MAX_ATTACHMENT_BYTES_PER_CUSTOMER: String(BYTES),
    });
    system = await t.bearer('system', 'ledger');
    merchant = await t.bearer('merchant', 'mer-1');
  });
  afterAll(() => t.close());

  /** A customer of their own, so that each test starts from an empty quota. */
  async function newCustomer(): Promise<{ id: string; auth: string }> {
    const id = `cus-${randomUUID()}`;
    return { id, auth: await t.bearer('customer', id) };
  }

  async function payment(customerId: string): Promise<string> {
    const id = `TX-${randomUUID()}`;
    const res = await t.http.post('/v1/transactions').set('Authorization', system).send({
      id,
      customerId,
      merchantId: 'mer-1',
      amount: 1_000_000,
      currency: 'IDR',
      paidAt: '2026-11-20T03:00:00.000Z',
    });
    expect(res.status).toBe(201);
    return id;
  }

  function apply(auth: string, transactionId: string) {
    return t.http
      .post('/v1/refunds')
      .set('Authorization', auth)
      .send({ transactionId, amount: 1000, reasonCode: 'NOT_RECEIVED' });
  }

  async function draftOf(customer: { id: string; auth: string }): Promise<string> {
    const res = await apply(customer.auth, await payment(customer.id));
    expect(res.status).toBe(201);
    return res.body.id as string;
  }

  function upload(auth: string, refundId: string, file: Buffer) {
    return t.http
      .post(`/v1/refunds/${refundId}/attachments`)
      .set('Authorization', auth)
      .field('kind', 'OTHER')
      .attach('file', file, { filename: 'notes.txt' });
  }

  async function openDrafts(auth: string): Promise<number> {
    const res = await t.http
      .get('/v1/refunds')
      .query({ status: 'DRAFT', limit: 100 })
      .set('Authorization', auth);
    expect(res.status).toBe(200);
    return res.body.data.length as number;
  }

  /** The bytes a customer uploaded to these refunds. */
  async function uploaded(auth: string, refundIds: string[]): Promise<number> {
    let total = 0;
    for (const id of refundIds) {
      const res = await t.http.get(`/v1/refunds/${id}/attachments`).set('Authorization', auth);
      for (const file of res.body as { size: number; uploadedBy: { role: string } }[]) {
        if (file.uploadedBy.role === 'customer') total += file.size;
      }
    }
    return total;
  }

  describe('open drafts', () => {
    it('refuses a draft beyond the limit with 422 QUOTA_EXCEEDED; drafts that moved on free a place', async () => {
      const customer = await newCustomer();
      const drafts = [];
      for (let i = 0; i < DRAFTS; i++) drafts.push(await draftOf(customer));

      const refused = await apply(customer.auth, await payment(customer.id));
      expect(refused.status).toBe(422);
      expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(refused.body.code).toBe('QUOTA_EXCEEDED');
      expect(await openDrafts(customer.auth)).toBe(DRAFTS);

      // A submitted and a cancelled draft no longer count.
      expect((await act(t, customer.auth, drafts[0], 'submit')).status).toBe(200);
      expect((await act(t, customer.auth, drafts[1], 'cancel')).status).toBe(200);
      await draftOf(customer);
      await draftOf(customer);
      expect((await apply(customer.auth, await payment(customer.id))).status).toBe(422);
    });

    it("counts each customer's drafts apart", async () => {
      const one = await newCustomer();
      for (let i = 0; i < DRAFTS; i++) await draftOf(one);
      await draftOf(await newCustomer());
    });

    it('holds under concurrency: 10 parallel applies with a limit of 3 open exactly 3 drafts', async () => {
      const customer = await newCustomer();
      const payments = [];
      for (let i = 0; i < 10; i++) payments.push(await payment(customer.id));
      const answers = await Promise.all(payments.map((id) => apply(customer.auth, id)));
      const statuses = answers.map((res) => res.status).sort();
      expect(statuses).toEqual([...Array(3).fill(201), ...Array(7).fill(422)]);
      expect(await openDrafts(customer.auth)).toBe(DRAFTS);
    });
  });

  describe("the customer's uploads", () => {
    it('refuses an upload that would take them over the limit with 422 QUOTA_EXCEEDED, storing nothing', async () => {
      const customer = await newCustomer();
      const first = await draftOf(customer);
      const second = await draftOf(customer);
      expect((await upload(customer.auth, first, textOf(600))).status).toBe(201);
      // Exactly the limit is allowed, across refunds.
      expect((await upload(customer.auth, second, textOf(400))).status).toBe(201);

      const refused = await upload(customer.auth, second, textOf(1));
      expect(refused.status).toBe(422);
      expect(refused.body.code).toBe('QUOTA_EXCEEDED');
      const list = await t.http
        .get(`/v1/refunds/${second}/attachments`)
        .set('Authorization', customer.auth);
      expect(list.body).toHaveLength(1);
    });

    it("does not count the merchant's evidence against the customer", async () => {
      const customer = await newCustomer();
      const refundId = await draftOf(customer);
      expect((await act(t, customer.auth, refundId, 'submit')).status).toBe(200);
      expect((await upload(merchant, refundId, textOf(BYTES))).status).toBe(201);
      expect((await upload(merchant, refundId, textOf(BYTES))).status).toBe(201);

      const other = await draftOf(customer);
      expect((await upload(customer.auth, other, textOf(BYTES))).status).toBe(201);
    });

    it('holds under concurrency: parallel uploads to nine refunds store exactly three of 300 bytes', async () => {
      const customer = await newCustomer();
      // Rejected refunds take the customer's evidence and are not drafts: nine of them.
      const refunds: string[] = [];
      for (let i = 0; i < 9; i++) {
        const id = await draftOf(customer);
        expect((await act(t, customer.auth, id, 'submit')).status).toBe(200);
        expect((await act(t, merchant, id, 'reject', { reason: 'No.' })).status).toBe(200);
        refunds.push(id);
      }
      const answers = await Promise.all(
        refunds.map((id) => upload(customer.auth, id, textOf(300))),
      );
      const statuses = answers.map((res) => res.status).sort();
      expect(statuses).toEqual([...Array(3).fill(201), ...Array(6).fill(422)]);
      expect(await uploaded(customer.auth, refunds)).toBe(900);
    });
  });
});
