import { SignJWT } from 'jose';
import { startTestApp, TestApp, TEST_SECRET } from './support/app';
import { act, actors, Actors, draft } from './support/refunds';

/** Inputs that once reached the database or the framework unchecked: each is a clean 4xx. */
describe('hostile input', () => {
  let t: TestApp;
  let a: Actors;
  beforeAll(async () => {
    t = await startTestApp();
    a = await actors(t);
  });
  afterAll(() => t.close());

  const expectProblem = (res: any, status: number, code: string) => {
    expect([res.status, res.body.code]).toEqual([status, code]);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.headers['x-request-id']).toBe(res.body.requestId);
  };

  it('refuses NUL characters and unpaired surrogates in any text field with 400', async () => {
    const refund = await draft(t, a);
    const nul = await t.http
      .patch(`/v1/refunds/${refund.id}`)
      .set('Authorization', a.customer)
      .send({ description: 'bad\u0000byte' });
    expectProblem(nul, 400, 'VALIDATION_FAILED');
    expect(nul.body.errors).toEqual([{ field: 'description', message: expect.any(String) }]);
    const surrogate = await t.http
      .post(`/v1/refunds/${refund.id}/escalate`)
      .set('Authorization', a.customer)
      .set('Content-Type', 'application/json')
      .send('{"message":"lone \\ud800 surrogate"}');
    expectProblem(surrogate, 400, 'VALIDATION_FAILED');
    const nested = await act(t, a.customer, refund.id, 'dispute', {
      statement: 'x',
      negotiationRecords: [{ at: '2026-11-20T00:00:00Z', channel: 'chat', summary: 'a\u0000' }],
    });
    expectProblem(nested, 400, 'VALIDATION_FAILED');
  });

  it('refuses __proto__, constructor and prototype keys at any depth with 400, naming the field', async () => {
    const refund = await draft(t, a);
    const bodies: [string, string, string][] = [
      ['patch', '{"description":"x","__proto__":{"amount":1}}', '__proto__'],
      ['patch', '{"description":"x","constructor":{"x":1}}', 'constructor'],
      // The validation pipe would delete it in place: the field would be lost without an error.
      ['patch', '{"description":"x","prototype":"y"}', 'prototype'],
      [
        'dispute',
        '{"statement":"x","negotiationRecords":[{"at":"2026-11-20T00:00:00Z","channel":"chat",' +
          '"summary":"s","__proto__":{"x":1}}]}',
        'negotiationRecords.0.__proto__',
      ],
      ['escalate', '{"message":"help","channel":"EMAIL","x":{"constructor":1}}', 'x.constructor'],
    ];
    for (const [action, body, field] of bodies) {
      const req =
        action === 'patch'
          ? t.http.patch(`/v1/refunds/${refund.id}`)
          : t.http.post(`/v1/refunds/${refund.id}/${action}`);
      const res = await req
        .set('Authorization', a.customer)
        .set('Content-Type', 'application/json')
        .send(body);
      expectProblem(res, 400, 'VALIDATION_FAILED');
      expect(res.body.errors).toEqual([{ field, message: expect.any(String) }]);
    }
    const after = await t.http.get(`/v1/refunds/${refund.id}`).set('Authorization', a.customer);
    expect([after.body.version, after.body.description]).toEqual([1, null]);
  });

  it('refuses __proto__, constructor and prototype query parameters with 400, as any unknown one', async () => {
    for (const name of ['__proto__', 'constructor', 'prototype']) {
      const res = await t.http.get(`/v1/refunds?${name}=x`).set('Authorization', a.customer);
      expectProblem(res, 400, 'VALIDATION_FAILED');
      expect(res.body.errors).toEqual([{ field: name, message: expect.any(String) }]);
    }
  });

  it.each(['__proto__', 'constructor'])(
    'refuses a multipart part named %s with 400, storing nothing',
    async (name) => {
      const refund = await draft(t, a);
      const boundary = 'b0undary';
      const part = (headers: string, content: string) =>
        `--${boundary}\r\n${headers}\r\n\r\n${content}\r\n`;
      for (const body of [
        part('Content-Disposition: form-data; name="kind"', 'OTHER') +
          part(`Content-Disposition: form-data; name="${name}"`, '{}') +
          part('Content-Disposition: form-data; name="file"; filename="a.txt"', 'hello'),
        part('Content-Disposition: form-data; name="kind"', 'OTHER') +
          part(`Content-Disposition: form-data; name="${name}"; filename="a.txt"`, 'hello'),
      ]) {
        const res = await t.http
          .post(`/v1/refunds/${refund.id}/attachments`)
          .set('Authorization', a.customer)
          .set('Content-Type', `multipart/form-data; boundary=${boundary}`)
          .send(`${body}--${boundary}--\r\n`);
        expectProblem(res, 400, 'VALIDATION_FAILED');
        expect(res.body.errors).toEqual([
          { field: expect.any(String), message: expect.stringContaining(name) },
        ]);
      }
      const list = await t.http
        .get(`/v1/refunds/${refund.id}/attachments`)
        .set('Authorization', a.customer);
      expect(list.body).toEqual([]);
    },
  );

  it('refuses null for PATCH fields and an empty PATCH, changing nothing', async () => {
    const refund = await draft(t, a);
    for (const body of [{ amount: null }, { reasonCode: null }, {}]) {
      const res = await t.http
        .patch(`/v1/refunds/${refund.id}`)
        .set('Authorization', a.customer)
        .send(body);
      expectProblem(res, 400, 'VALIDATION_FAILED');
    }
    const after = await t.http.get(`/v1/refunds/${refund.id}`).set('Authorization', a.customer);
    expect(after.body.version).toBe(1);
  });

  it('reads the largest valid body, every character escaped as \\uXXXX, within the body limit', async () => {
    const refund = await draft(t, a);
    await act(t, a.customer, refund.id, 'submit');
    await act(t, a.merchant, refund.id, 'reject', { reason: 'No proof of the fault.' });
    const emoji = (units: number) => '\u{1F600}'.repeat(units / 2);
    const body = {
      statement: emoji(4000),
      negotiationRecords: Array.from({ length: 20 }, () => ({
        at: '2026-11-20T10:00:00Z',
        channel: emoji(100),
        summary: emoji(2000),
      })),
    };
    const escaped = JSON.stringify(body).replace(
      /[\u007f-\uffff]/g,
      (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
    );
    expect(escaped.length).toBeGreaterThan(270_000);
    const res = await t.http
      .post(`/v1/refunds/${refund.id}/dispute`)
      .set('Authorization', a.customer)
      .set('Content-Type', 'application/json')
      .send(escaped);
    expect([res.status, res.body.status]).toEqual([200, 'DISPUTED']);
  });

  it('refuses a body of more values than any valid one holds with 400, before validating it', async () => {
    const refund = await draft(t, a);
    const res = await t.http
      .post(`/v1/refunds/${refund.id}/escalate`)
      .set('Authorization', a.customer)
      .set('Content-Type', 'application/json')
      .send(`{"message":"help","x":[${Array(100_000).fill('{}').join(',')}]}`);
    expectProblem(res, 400, 'VALIDATION_FAILED');
    expect(res.body.errors).toEqual([{ field: 'body', message: 'must hold at most 10000 values' }]);
  });

  it('refuses bodies that are not JSON objects', async () => {
    const refund = await draft(t, a);
    for (const body of ['[]', '"x"', 'null', '42']) {
      const res = await t.http
        .post(`/v1/refunds/${refund.id}/cancel`)
        .set('Authorization', a.customer)
        .set('Content-Type', 'application/json')
        .send(body);
      expectProblem(res, 400, 'VALIDATION_FAILED');
    }
    const multipart = await t.http
      .post(`/v1/refunds/${refund.id}/cancel`)
      .set('Authorization', a.customer)
      .field('note', 'x');
    expectProblem(multipart, 415, 'UNSUPPORTED_MEDIA_TYPE');
  });

  it('answers malformed JSON only once the caller is known: 401, then 403, then 400', async () => {
    const send = (auth?: string) => {
      const req = t.http.post('/v1/refunds').set('Content-Type', 'application/json');
      if (auth) void req.set('Authorization', auth);
      return req.send('{"transactionId":');
    };
    expectProblem(await send(), 401, 'UNAUTHENTICATED');
    expectProblem(await send(a.merchant), 403, 'FORBIDDEN');
    expectProblem(await send(a.customer), 400, 'MALFORMED_REQUEST');
  });

  it('refuses forged cursors outside the database range with 400', async () => {
    const cursor = (key: unknown[]) => Buffer.from(JSON.stringify(key)).toString('base64url');
    const id = '00000000-0000-4000-8000-000000000000';
    const far = '-271821-04-20T00:00:00.000Z';
    const lists = [
      ['/v1/refunds', cursor([far, id])],
      ['/v1/transactions', cursor([far, 'TX-1'])],
      ['/v1/cases', cursor(['HIGH', far, id])],
      ['/v1/cases', cursor(['HIGH', '5', id])],
    ];
    for (const [path, value] of lists) {
      const res = await t.http.get(`${path}?cursor=${value}`).set('Authorization', a.agent);
      expectProblem(res, 400, 'VALIDATION_FAILED');
    }
  });

  it('answers a malformed URL with problem+json', async () => {
    const res = await t.http.get('/v1/refunds/%FF').set('Authorization', a.agent);
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.requestId).toBe(res.headers['x-request-id']);
  });

  it('refuses a token whose subject holds control characters (401)', async () => {
    const token = await new SignJWT({ role: 'customer' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('cus\u0000-1')
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode(TEST_SECRET));
    const res = await t.http.get('/v1/refunds').set('Authorization', `Bearer ${token}`);
    expectProblem(res, 401, 'UNAUTHENTICATED');
  });

  it('honours If-Match on timeline-only actions too', async () => {
    const refund = await draft(t, a);
    const res = await t.http
      .post(`/v1/refunds/${refund.id}/escalate`)
      .set('Authorization', a.customer)
      .set('If-Match', '"5"')
      .send({ message: 'Hello?' });
    expectProblem(res, 412, 'VERSION_MISMATCH');
  });
});
