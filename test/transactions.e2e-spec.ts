import { Client } from 'pg';
import type { RefundStatus } from '../apps/api/src/generated/kysely/enums';
import { startTestApp, TestApp } from './support/app';
import { refundIn } from './support/fixtures';

let t: TestApp;
let db: Client;
let system: string;

beforeAll(async () => {
  t = await startTestApp();
  db = new Client({ connectionString: t.db.url });
  await db.connect();
  system = await t.bearer('system', 'ledger');
});
afterAll(async () => {
  await db.end();
  await t.close();
});

let sequence = 0;
const payment = (overrides: Record<string, unknown> = {}) => ({
  id: `TX-${process.pid}-${++sequence}`,
  customerId: 'cus-1',
  merchantId: 'mer-1',
  amount: 1500000,
  currency: 'IDR',
  paidAt: '2025-01-31T10:00:00Z',
  description: 'Order #4411',
  ...overrides,
});

const register = (body: object) =>
  t.http.post('/v1/transactions').set('Authorization', system).send(body);

async function registered(overrides: Record<string, unknown> = {}) {
  const res = await register(payment(overrides));
  expect(res.status).toBe(201);
  return res.body as { id: string; createdAt: string };
}

/** A test-name-sized rendering of a value. */
const shown = (value: unknown) => {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > 48 ? `${text.slice(0, 45)}…` : text;
};

const fieldsOf = (body: { errors?: { field: string }[] }) =>
  (body.errors ?? []).map((error) => error.field);

describe('POST /v1/transactions', () => {
  it('registers a payment and answers 201 with it', async () => {
    const body = payment({ paidAt: '2025-01-31T17:00:00+07:00' });
    const res = await register(body);
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: body.id,
      customerId: 'cus-1',
      merchantId: 'mer-1',
      amount: 1500000,
      currency: 'IDR',
      paidAt: '2025-01-31T10:00:00.000Z',
      description: 'Order #4411',
      refundedAmount: 0,
      refundableAmount: 1500000,
      createdAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
    });
  });

  it('answers 200 with the same payment when the same body is sent again', async () => {
    const body = payment();
    const first = await register(body);
    const again = await register(body);
    expect(first.status).toBe(201);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
  });

  it('treats the same instant in another offset, and an absent or null description, as the same body', async () => {
    const body = payment({ description: undefined, paidAt: '2025-01-31T10:00:00.000Z' });
    expect((await register(body)).status).toBe(201);
    const same = await register({
      ...body,
      description: null,
      paidAt: '2025-01-31T17:00:00+07:00',
    });
    expect(same.status).toBe(200);
    expect(same.body.description).toBeNull();
  });

  it('answers 409 CONFLICT naming the fields when the id comes back with another body', async () => {
    const body = payment();
    await register(body);
    const res = await register({ ...body, amount: 1500001, currency: 'USD' });
    expect(res.status).toBe(409);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.code).toBe('CONFLICT');
    expect(fieldsOf(res.body).sort()).toEqual(['amount', 'currency']);
    const stored = await t.http.get(`/v1/transactions/${body.id}`).set('Authorization', system);
    expect(stored.body.amount).toBe(1500000);
  });

  it('creates exactly one payment from 20 parallel identical requests', async () => {
    const body = payment();
    const responses = await Promise.all(Array.from({ length: 20 }, () => register(body)));
    const statuses = responses.map((res) => res.status).sort();
    expect(statuses).toEqual([...Array<number>(19).fill(200), 201]);
    const { rows } = await db.query('SELECT count(*)::int AS n FROM transactions WHERE id = $1', [
      body.id,
    ]);
    expect(rows[0].n).toBe(1);
  });

  it('lets one of several parallel different bodies win and refuses the others with 409', async () => {
    const id = payment().id;
    const responses = await Promise.all(
      Array.from({ length: 10 }, (_, i) => register(payment({ id, amount: 1000 + i }))),
    );
    const statuses = responses.map((res) => res.status);
    expect(statuses.filter((status) => status === 201)).toHaveLength(1);
    expect(statuses.filter((status) => status === 409)).toHaveLength(9);
  });

  it('accepts currencies with zero and three minor digits and the largest safe amount', async () => {
    expect((await register(payment({ currency: 'JPY', amount: 1500 }))).status).toBe(201);
    expect((await register(payment({ currency: 'BHD', amount: 1500 }))).status).toBe(201);
    const big = await register(payment({ amount: Number.MAX_SAFE_INTEGER }));
    expect(big.status).toBe(201);
    expect(big.body.amount).toBe(Number.MAX_SAFE_INTEGER);
    expect(big.body.refundableAmount).toBe(Number.MAX_SAFE_INTEGER);
  });

  const badBodies: [string, Record<string, unknown>][] = [
    ['amount', { amount: 1.5 }],
    ['amount', { amount: 'abc' }],
    ['amount', { amount: '100' }],
    ['amount', { amount: -1 }],
    ['amount', { amount: 0 }],
    ['amount', { amount: 2 ** 60 }],
    ['amount', { amount: null }],
    ['currency', { currency: 'XXX1' }],
    ['currency', { currency: 'ABC' }],
    ['currency', { currency: 'idr' }],
    ['currency', { currency: 'XXX' }],
    ['currency', { currency: 'XAU' }],
    ['currency', { currency: 360 }],
    ['paidAt', { paidAt: 'yesterday' }],
    ['paidAt', { paidAt: '2025-01-31' }],
    ['paidAt', { paidAt: '2025-01-31T10:00:00' }],
    ['paidAt', { paidAt: '2025-02-30T10:00:00Z' }],
    ['paidAt', { paidAt: '0001-01-01T00:00:00Z' }],
    ['paidAt', { paidAt: 1738317600000 }],
    ['id', { id: '' }],
    ['id', { id: 'has space' }],
    ['id', { id: 'x'.repeat(65) }],
    ['id', { id: 42 }],
    ['customerId', { customerId: '' }],
    ['customerId', { customerId: 'cus\u00001' }],
    ['merchantId', { merchantId: undefined }],
    ['description', { description: 'nul \u0000 inside' }],
    ['description', { description: 'x'.repeat(1001) }],
    ['extra', { extra: true }],
  ];
  it.each(badBodies.map(([field, overrides]) => [field, shown(overrides), overrides] as const))(
    'refuses a bad %s with 400 VALIDATION_FAILED naming it (%s)',
    async (field, _shown, overrides) => {
      const res = await register(payment(overrides));
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
      expect(fieldsOf(res.body)).toContain(field);
    },
  );

  it('names every missing field of an empty body', async () => {
    const res = await register({});
    expect(res.status).toBe(400);
    expect(new Set(fieldsOf(res.body))).toEqual(
      new Set(['id', 'customerId', 'merchantId', 'amount', 'currency', 'paidAt']),
    );
  });

  it.each(['customer', 'merchant', 'agent'] as const)(
    'refuses the %s role with 403, before looking at the body',
    async (role) => {
      const auth = await t.bearer(role, 'someone');
      const good = await t.http.post('/v1/transactions').set('Authorization', auth).send(payment());
      expect(good.status).toBe(403);
      expect(good.body.code).toBe('FORBIDDEN');
      const bad = await t.http.post('/v1/transactions').set('Authorization', auth).send({});
      expect(bad.status).toBe(403);
    },
  );

  it('answers 401 without a token or with a bad one', async () => {
    const none = await t.http.post('/v1/transactions').send(payment());
    expect(none.status).toBe(401);
    expect(none.body.code).toBe('UNAUTHENTICATED');
    const bad = await t.http
      .post('/v1/transactions')
      .set('Authorization', 'Bearer not-a-token')
      .send(payment());
    expect(bad.status).toBe(401);
    expect((await t.http.get('/v1/transactions')).status).toBe(401);
  });
});

describe('who sees which payment', () => {
  let mine: { id: string };
  let theirs: { id: string };
  beforeAll(async () => {
    mine = await registered({ customerId: 'cus-see-a', merchantId: 'mer-see-a' });
    theirs = await registered({ customerId: 'cus-see-b', merchantId: 'mer-see-b' });
  });

  const get = async (auth: string, id: string) =>
    t.http.get(`/v1/transactions/${encodeURIComponent(id)}`).set('Authorization', auth);
  const listIds = async (auth: string, query = '') => {
    const res = await t.http.get(`/v1/transactions?limit=100${query}`).set('Authorization', auth);
    expect(res.status).toBe(200);
    return (res.body.data as { id: string }[]).map((row) => row.id);
  };

  it('shows a customer their own payments and answers 404 for anyone else’s', async () => {
    const auth = await t.bearer('customer', 'cus-see-a');
    expect((await get(auth, mine.id)).status).toBe(200);
    const other = await get(auth, theirs.id);
    expect(other.status).toBe(404);
    expect(other.body.code).toBe('NOT_FOUND');
    expect(await listIds(auth)).toEqual([mine.id]);
  });

  it('shows a merchant the payments made to it and answers 404 for others', async () => {
    const auth = await t.bearer('merchant', 'mer-see-b');
    expect((await get(auth, theirs.id)).status).toBe(200);
    expect((await get(auth, mine.id)).status).toBe(404);
    expect(await listIds(auth)).toEqual([theirs.id]);
  });

  it('does not confuse a customer id with a merchant id', async () => {
    const auth = await t.bearer('merchant', 'cus-see-a');
    expect((await get(auth, mine.id)).status).toBe(404);
    expect(await listIds(auth)).toEqual([]);
  });

  it.each(['agent', 'system'] as const)('shows the %s every payment', async (role) => {
    const auth = await t.bearer(role, `${role}-1`);
    expect((await get(auth, mine.id)).status).toBe(200);
    expect((await get(auth, theirs.id)).status).toBe(200);
    const ids = await listIds(auth);
    expect(ids).toEqual(expect.arrayContaining([mine.id, theirs.id]));
  });

  it('lets agents filter by customer and by merchant', async () => {
    const auth = await t.bearer('agent', 'agent-1');
    expect(await listIds(auth, '&customerId=cus-see-b')).toEqual([theirs.id]);
    expect(await listIds(auth, '&merchantId=mer-see-a')).toEqual([mine.id]);
    expect(await listIds(auth, '&customerId=cus-see-a&merchantId=mer-see-b')).toEqual([]);
  });

  it('lets a filter narrow a customer’s list but never widen it', async () => {
    const auth = await t.bearer('customer', 'cus-see-a');
    expect(await listIds(auth, '&customerId=cus-see-a')).toEqual([mine.id]);
    expect(await listIds(auth, '&customerId=cus-see-b')).toEqual([]);
    expect(await listIds(auth, '&merchantId=mer-see-b')).toEqual([]);
  });

  it('answers 404 for an unknown id and for an id the ledger could not have given', async () => {
    const auth = await t.bearer('agent', 'agent-1');
    expect((await get(auth, 'TX-does-not-exist')).status).toBe(404);
    expect((await get(auth, 'not an id!')).status).toBe(404);
    expect((await get(auth, 'nul\u0000byte')).status).toBe(404);
  });
});

describe('refunded and refundable amounts', () => {
  const addRefund = (tx: { id: string }, amount: number, status: RefundStatus) =>
    refundIn(t, status, { transactionId: tx.id, amount });

  it('sums REFUNDED refunds, and holds back every refund not CANCELLED, CLOSED, EXPIRED or REJECTED', async () => {
    const tx = await registered({ customerId: 'cus-sum', merchantId: 'mer-sum', amount: 100000 });
    const untouched = await registered({ customerId: 'cus-sum', merchantId: 'mer-sum' });
    const held = {
      REFUNDED: 10000,
      APPROVED: 20000,
      DRAFT: 5000,
      SUBMITTED: 600,
      UNDER_REVIEW: 700,
      INFO_REQUESTED: 800,
      DISPUTED: 3000,
      PAYOUT_FAILED: 4000,
    };
    const released = { CANCELLED: 7000, REJECTED: 8000, CLOSED: 1000, EXPIRED: 2000 };
    for (const [status, amount] of Object.entries({ ...held, ...released })) {
      await addRefund(tx, amount, status as RefundStatus);
    }
    await addRefund(tx, 900, 'REFUNDED');
    const heldTotal = Object.values(held).reduce((a, b) => a + b, 0) + 900;

    const auth = await t.bearer('customer', 'cus-sum');
    const one = await t.http.get(`/v1/transactions/${tx.id}`).set('Authorization', auth);
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({
      amount: 100000,
      refundedAmount: 10900,
      refundableAmount: 100000 - heldTotal,
    });

    const list = await t.http.get('/v1/transactions').set('Authorization', auth);
    const byId = new Map((list.body.data as { id: string }[]).map((row) => [row.id, row] as const));
    expect(byId.get(tx.id)).toMatchObject({
      refundedAmount: 10900,
      refundableAmount: 100000 - heldTotal,
    });
    expect(byId.get(untouched.id)).toMatchObject({ refundedAmount: 0, refundableAmount: 1500000 });
  });

  it('includes the refunds in a replayed registration', async () => {
    const body = payment({ customerId: 'cus-sum', merchantId: 'mer-sum', amount: 5000 });
    await register(body);
    await addRefund(body, 1200, 'REFUNDED');
    const again = await register(body);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ refundedAmount: 1200, refundableAmount: 3800 });
  });
});

describe('pagination', () => {
  type Row = { id: string; createdAt: string };

  async function page(auth: string, query: string) {
    const res = await t.http.get(`/v1/transactions?${query}`).set('Authorization', auth);
    expect(res.status).toBe(200);
    return res.body as { data: Row[]; nextCursor: string | null };
  }

  async function registerMany(customerId: string, count: number): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < count; i++) ids.push((await registered({ customerId })).id);
    return ids;
  }

  // Ties on createdAt are ordered by id in the database's collation: checked on their own below.
  const newestFirst = (a: Row, b: Row) => b.createdAt.localeCompare(a.createdAt);

  it('pages 25 payments as 10, 10 and 5, newest first, without repeats', async () => {
    const ids = await registerMany('cus-page', 25);
    const auth = await t.bearer('customer', 'cus-page');
    const first = await page(auth, 'limit=10');
    const second = await page(auth, `limit=10&cursor=${first.nextCursor}`);
    const third = await page(auth, `limit=10&cursor=${second.nextCursor}`);
    expect([first.data.length, second.data.length, third.data.length]).toEqual([10, 10, 5]);
    expect(first.nextCursor).toEqual(expect.any(String));
    expect(third.nextCursor).toBeNull();
    const rows = [...first.data, ...second.data, ...third.data];
    expect(new Set(rows.map((row) => row.id))).toEqual(new Set(ids));
    expect(rows.map((row) => row.createdAt)).toEqual(
      [...rows].sort(newestFirst).map((row) => row.createdAt),
    );
  });

  it('serves every original exactly once while new payments arrive between pages', async () => {
    const originals = await registerMany('cus-moving', 25);
    const auth = await t.bearer('customer', 'cus-moving');
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const current = await page(auth, `limit=10${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...current.data.map((row) => row.id));
      cursor = current.nextCursor;
      await registerMany('cus-moving', 3);
    } while (cursor);
    expect(seen).toHaveLength(25);
    expect(new Set(seen)).toEqual(new Set(originals));
  });

  it('breaks ties on the creation time by id', async () => {
    const createdAt = '2024-06-01T00:00:00.000Z';
    const ids = Array.from({ length: 15 }, (_, i) => `TX-tie-${String(i).padStart(2, '0')}`);
    for (const id of ids) {
      await db.query(
        `INSERT INTO transactions (id, customer_id, merchant_id, amount, currency, paid_at, created_at)
         VALUES ($1, 'cus-tie', 'mer-1', 100, 'IDR', now(), $2)`,
        [id, createdAt],
      );
    }
    const auth = await t.bearer('customer', 'cus-tie');
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const current = await page(auth, `limit=4${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...current.data.map((row) => row.id));
      cursor = current.nextCursor;
    } while (cursor);
    expect(seen).toEqual([...ids].reverse());
  });

  it('serves 20 by default', async () => {
    await registerMany('cus-default', 21);
    const auth = await t.bearer('agent', 'agent-1');
    const first = await page(auth, 'customerId=cus-default');
    expect(first.data).toHaveLength(20);
    expect(first.nextCursor).toEqual(expect.any(String));
  });

  it('answers an exactly full last page with a null cursor', async () => {
    await registerMany('cus-exact', 4);
    const auth = await t.bearer('customer', 'cus-exact');
    const only = await page(auth, 'limit=4');
    expect(only.data).toHaveLength(4);
    expect(only.nextCursor).toBeNull();
  });

  const badQueries: [string, string][] = [
    ['limit', 'limit=0'],
    ['limit', 'limit=101'],
    ['limit', 'limit=abc'],
    ['limit', 'limit=1.5'],
    ['limit', 'limit='],
    ['cursor', 'cursor=garbage'],
    ['cursor', `cursor=${Buffer.from('{"a":1}').toString('base64url')}`],
    ['cursor', `cursor=${Buffer.from('["2025-01-01T00:00:00.000Z"]').toString('base64url')}`],
    ['cursor', `cursor=${Buffer.from('["yesterday","TX-1"]').toString('base64url')}`],
    ['cursor', `cursor=${Buffer.from('["2025-01-01T00:00:00.000Z","a b"]').toString('base64url')}`],
    ['cursor', `cursor=${'x'.repeat(600)}`],
    ['customerId', 'customerId=%00'],
    ['sort', 'sort=amount'],
  ];
  it.each(badQueries.map(([field, query]) => [field, shown(query), query] as const))(
    'refuses a bad %s with 400 VALIDATION_FAILED (%s)',
    async (field, _shown, query) => {
      const auth = await t.bearer('agent', 'agent-1');
      const res = await t.http.get(`/v1/transactions?${query}`).set('Authorization', auth);
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
      expect(fieldsOf(res.body)).toContain(field);
    },
  );
});

describe('OpenAPI', () => {
  it('documents the transaction endpoints', async () => {
    const res = await t.http.get('/docs-json');
    expect(res.status).toBe(200);
    expect(Object.keys(res.body.paths)).toEqual(
      expect.arrayContaining(['/v1/transactions', '/v1/transactions/{id}']),
    );
    expect(Object.keys(res.body.paths['/v1/transactions'].post.responses)).toEqual(
      expect.arrayContaining(['200', '201', '400', '401', '403', '409']),
    );
    expect(res.body.components.schemas.TransactionDto.required).toEqual(
      expect.arrayContaining(['refundedAmount', 'refundableAmount']),
    );
  });
});
