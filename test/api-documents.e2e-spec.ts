import { SignJWT } from 'jose';
import { ERROR_CODES } from '../apps/api/src/errors/app-error';
import { startTestApp, TestApp, TEST_SECRET } from './support/app';
import { payment } from './support/fixtures';
import { actors, Actors, draft } from './support/refunds';

const sign = (claims: Record<string, unknown>, secret = TEST_SECRET) =>
  new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .sign(new TextEncoder().encode(secret))
    .then((token) => `Bearer ${token}`);
const now = () => Math.floor(Date.now() / 1000);

describe('what the API tells its clients', () => {
  let t: TestApp;
  let a: Actors;
  let doc: any;
  beforeAll(async () => {
    t = await startTestApp();
    a = await actors(t);
    doc = (await t.http.get('/docs-json')).body;
  });
  afterAll(() => t.close());

  describe('401 says whether the token is missing, expired or badly signed', () => {
    const detailFor = async (authorization?: string) => {
      const req = t.http.get('/v1/refunds');
      if (authorization) void req.set('Authorization', authorization);
      const res = await req;
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('UNAUTHENTICATED');
      return res.body.detail as string;
    };

    it('names a missing token', async () => {
      expect(await detailFor()).toBe(
        'No bearer token was sent: send Authorization: Bearer <token>.',
      );
      expect(await detailFor('Basic YWdlbnQ6c2VjcmV0')).toMatch(/^No bearer token was sent/);
    });

    it('names an expired token', async () => {
      const expired = await sign({
        sub: 'agt-1',
        role: 'agent',
        iat: now() - 7200,
        exp: now() - 60,
      });
      expect(await detailFor(expired)).toBe('The bearer token has expired: sign in again.');
    });

    it('names a token signed with another key, and says nothing more about it', async () => {
      const forged = await sign(
        { sub: 'agt-1', role: 'agent', exp: now() + 600 },
        'another-secret-another-secret-000000',
      );
      expect(await detailFor(forged)).toBe('The bearer token is not signed by this service.');
      // Expired and forged: the signature fails first, and nothing tells the claims apart.
      const forgedExpired = await sign(
        { sub: 'agt-1', role: 'agent', exp: now() - 60 },
        'another-secret-another-secret-000000',
      );
      expect(await detailFor(forgedExpired)).toBe(
        'The bearer token is not signed by this service.',
      );
    });

    it('calls anything else not valid: not a JWT, an unknown role', async () => {
      expect(await detailFor('Bearer not-a-jwt')).toMatch(/^The bearer token is not valid/);
      const badRole = await sign({ sub: 'x', role: 'admin', exp: now() + 600 });
      expect(await detailFor(badRole)).toMatch(/^The bearer token is not valid/);
    });
  });

  describe('an amount sent as a string gets one clear message', () => {
    const AMOUNT_MESSAGE =
      'amount must be a whole number of minor units from 1 to 9007199254740991, sent as a JSON ' +
      'number (150000, not "150000")';

    it.each([['"150000"'], ['1.5'], ['0'], ['-3'], ['9007199254740992'], ['null']])(
      'applying with amount %s',
      async (amount) => {
        const transactionId = await payment(t);
        const res = await t.http
          .post('/v1/refunds')
          .set('Authorization', a.customer)
          .send({ transactionId, amount: JSON.parse(amount), reasonCode: 'NOT_RECEIVED' });
        expect(res.status).toBe(400);
        expect(res.body.errors).toEqual([{ field: 'amount', message: AMOUNT_MESSAGE }]);
      },
    );

    it('editing a draft, and registering a payment', async () => {
      const refund = await draft(t, a);
      const edit = await t.http
        .patch(`/v1/refunds/${refund.id}`)
        .set('Authorization', a.customer)
        .send({ amount: '150000' });
      expect(edit.status).toBe(400);
      expect(edit.body.errors).toEqual([{ field: 'amount', message: AMOUNT_MESSAGE }]);

      const register = await t.http.post('/v1/transactions').set('Authorization', a.system).send({
        id: 'TX-string-amount',
        customerId: 'cus-1',
        merchantId: 'mer-1',
        amount: '150000',
        currency: 'IDR',
        paidAt: '2026-11-20T03:00:00Z',
      });
      expect(register.status).toBe(400);
      expect(register.body.errors).toEqual([{ field: 'amount', message: AMOUNT_MESSAGE }]);
    });
  });

  describe('the OpenAPI document', () => {
    const errorResponses = () =>
      Object.entries<any>(doc.paths).flatMap(([path, item]) =>
        Object.entries<any>(item).flatMap(([method, operation]) =>
          Object.entries<any>(operation.responses)
            .filter(([status]) => Number(status) >= 400)
            .map(([status, response]) => ({
              where: `${method.toUpperCase()} ${path} ${status}`,
              status: Number(status),
              response,
            })),
        ),
      );

    it('shows, for each error response, examples of its own status and codes', () => {
      const wrong: string[] = [];
      for (const { where, status, response } of errorResponses()) {
        const examples = Object.values<any>(
          response.content['application/problem+json'].examples ?? {},
        );
        if (examples.length === 0) wrong.push(`${where}: no example`);
        for (const { value } of examples) {
          if (value.status !== status) wrong.push(`${where}: example of ${value.status}`);
          const codeStatus = ERROR_CODES[value.code as keyof typeof ERROR_CODES];
          if (codeStatus !== status) wrong.push(`${where}: ${value.code} is a ${codeStatus}`);
        }
      }
      expect(wrong).toEqual([]);
    });

    it('shows the codes a response names, and each kind of 401', () => {
      const codes = (path: string, method: string, status: string) =>
        Object.values<any>(
          doc.paths[path][method].responses[status].content['application/problem+json'].examples,
        ).map((example) => example.value.code);
      expect(codes('/v1/refunds/{id}', 'get', '404')).toEqual(['NOT_FOUND']);
      expect(codes('/v1/cases/{id}/assign', 'post', '409')).toEqual([
        'INVALID_TRANSITION',
        'CONFLICT',
      ]);
      const unauthorized =
        doc.paths['/v1/refunds'].get.responses['401'].content['application/problem+json'].examples;
      expect(Object.values<any>(unauthorized).map((e) => e.value.detail)).toEqual([
        expect.stringMatching(/^No bearer token/),
        expect.stringMatching(/expired/),
        expect.stringMatching(/not signed by this service/),
        expect.stringMatching(/not valid/),
      ]);
    });

    it('orders its tags, and the paths under them, as the flow goes: payments first', () => {
      const tags = doc.tags.map((tag: { name: string }) => tag.name);
      expect(tags.slice(0, 4)).toEqual(['payments', 'refunds', 'attachments', 'cases']);
      const firstTags = Object.values<any>(doc.paths).map(
        (item) => (Object.values<any>(item)[0].tags ?? [])[0],
      );
      const ranks = firstTags.map((tag: string) => tags.indexOf(tag));
      expect(ranks).toEqual([...ranks].sort((x, y) => x - y));
      expect(Object.keys(doc.paths)[0]).toBe('/v1/transactions');
    });
  });
});
