import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { ENDPOINT_ACTIONS } from '../apps/api/src/refunds/refund-transitions';
import { startTestApp, TestApp } from './support/app';
import { PrismProxy, startPrismProxy } from './support/prism';
import { actors, Actors } from './support/refunds';

const ROOT = path.resolve(__dirname, '..');
const REDOCLY = path.join(ROOT, 'node_modules/@redocly/cli/bin/cli.js');
const CHAT = 'Chat with the shop, 22 Nov: they refused a return.\n';

describe('the OpenAPI document', () => {
  let t: TestApp;
  let doc: any;
  let dir: string;
  let documentFile: string;
  beforeAll(async () => {
    t = await startTestApp();
    doc = (await t.http.get('/docs-json')).body;
    dir = await mkdtemp(path.join(os.tmpdir(), 'refund-desk-openapi-'));
    documentFile = path.join(dir, 'openapi.json');
    await writeFile(documentFile, JSON.stringify(doc));
  });
  afterAll(async () => {
    await t.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('is served with the UI', async () => {
    expect(doc.openapi).toMatch(/^3\./);
    expect((await t.http.get('/docs')).status).toBe(200);
  });

  it('has one endpoint per action of the transition table, described from the table', () => {
    for (const action of ENDPOINT_ACTIONS) {
      const operation = doc.paths[`/v1/refunds/{id}/${action}`]?.post;
      expect([action, typeof operation?.description]).toEqual([action, 'string']);
      expect(operation.description).toMatch(/Roles: /);
    }
  });

  it('takes Idempotency-Key on every POST (@Idempotent() adds the header and the keyed run together)', () => {
    const posts = Object.entries<any>(doc.paths).filter(([, operations]) => operations.post);
    expect(posts.length).toBeGreaterThan(20);
    for (const [path, operations] of posts) {
      const headers = (operations.post.parameters ?? []).filter((p: any) => p.in === 'header');
      expect([path, headers.some((p: any) => p.name === 'Idempotency-Key')]).toEqual([path, true]);
    }
  });

  it('documents problem+json errors on every operation, 401 wherever a token is needed', () => {
    for (const [path, operations] of Object.entries<any>(doc.paths)) {
      for (const [method, operation] of Object.entries<any>(operations)) {
        const errors = Object.keys(operation.responses).filter((status) => Number(status) >= 400);
        expect([path, method, errors.length > 0]).toEqual([path, method, true]);
        for (const status of errors) {
          expect(operation.responses[status].content['application/problem+json']).toBeDefined();
        }
        if (operation.security?.length) expect(operation.responses['401']).toBeDefined();
      }
    }
  });

  it('asks for a token exactly where the service does', async () => {
    for (const [route, operations] of Object.entries<any>(doc.paths)) {
      for (const [method, operation] of Object.entries<any>(operations)) {
        const url = route.replace(/\{[^}]+\}/g, randomUUID());
        const res = await t.http[method as 'get'](url);
        const needsToken = (operation.security ?? doc.security ?? []).length > 0;
        expect([method, route, res.status === 401]).toEqual([method, route, needsToken]);
      }
    }
  });

  it("passes Redocly's recommended rules without an error or a warning", async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [REDOCLY, 'lint', documentFile, '--config', path.join(ROOT, 'redocly.yaml'), '--format=json'],
      { cwd: ROOT, env: { ...process.env, REDOCLY_SUPPRESS_NOTIFICATIONS: 'true' } },
    ).catch((error: { stdout: string }) => error);
    const { totals, problems } = JSON.parse(stdout);
    const found = problems.map(
      (p: any) => `${p.severity} ${p.ruleId} ${p.location[0]?.pointer}: ${p.message}`,
    );
    expect(found).toEqual([]);
    expect(totals).toMatchObject({ errors: 0, warnings: 0 });
  });

  describe("followed by a refund's whole life through Prism's validating proxy", () => {
    let prism: PrismProxy;
    let a: Actors;
    beforeAll(async () => {
      await t.app.listen(0, '127.0.0.1');
      prism = await startPrismProxy(documentFile, await t.app.getUrl());
      a = await actors(t);
    });
    afterAll(() => prism?.stop());

    /** Sends a request through Prism: `status` is expected, and no violation either way. */
    async function expectAnswer(
      status: number,
      method: string,
      route: string,
      options: Parameters<PrismProxy['send']>[2] = {},
    ): Promise<any> {
      const answer = await prism.send(method, route, options);
      const request = `${method} ${route}`;
      // The answer's body is shown only when the status is not the one expected.
      const problem = answer.status === status ? undefined : answer.body;
      expect({ request, status: answer.status, violations: answer.violations, problem }).toEqual({
        request,
        status,
        violations: [],
        problem: undefined,
      });
      return answer.body;
    }

    async function payment(): Promise<string> {
      const id = `TX-${randomUUID()}`;
      await expectAnswer(201, 'POST', '/v1/transactions', {
        auth: a.system,
        body: {
          id,
          customerId: 'cus-1',
          merchantId: 'mer-1',
          amount: 1_000_000,
          currency: 'IDR',
          paidAt: '2026-11-20T03:00:00.000Z',
          description: 'Wireless earbuds',
        },
      });
      return id;
    }

    async function apply(body: Record<string, unknown> = {}): Promise<string> {
      const transactionId = await payment();
      const refund = await expectAnswer(201, 'POST', '/v1/refunds', {
        auth: a.customer,
        body: { transactionId, amount: 300_000, reasonCode: 'NOT_RECEIVED', ...body },
      });
      return refund.id;
    }

    /** An action as the README's curl sends it: no body (nor Content-Type) when none is needed. */
    async function act(
      as: string,
      id: string,
      action: string,
      body?: Record<string, unknown>,
      status = 200,
    ): Promise<any> {
      return expectAnswer(status, 'POST', `/v1/refunds/${id}/${action}`, { auth: as, body });
    }

    it('applies, edits, asks and answers, approves, fails a payout, retries it and pays', async () => {
      const transactionId = await payment();
      const applied = { transactionId, amount: 300_000, reasonCode: 'NOT_RECEIVED' };
      const key = { 'Idempotency-Key': `apply-${transactionId}` };
      const refund = await expectAnswer(201, 'POST', '/v1/refunds', {
        auth: a.customer,
        body: applied,
        headers: key,
      });
      const replayed = await expectAnswer(201, 'POST', '/v1/refunds', {
        auth: a.customer,
        body: applied,
        headers: key,
      });
      expect(replayed.id).toBe(refund.id);
      const id = refund.id;

      await expectAnswer(200, 'PATCH', `/v1/refunds/${id}`, {
        auth: a.customer,
        body: { amount: 250_000, description: 'The parcel never came.' },
        headers: { 'If-Match': '"1"' },
      });
      expect((await act(a.customer, id, 'submit')).status).toBe('SUBMITTED');
      await act(a.merchant, id, 'start-review');
      await act(a.merchant, id, 'request-info', { question: 'Which address was it sent to?' });
      await act(a.customer, id, 'provide-info', { answer: 'Jl. Sudirman 1, Jakarta.' });
      expect((await act(a.agent, id, 'approve')).status).toBe('APPROVED');
      await act(a.system, id, 'payout', { result: 'FAILED', failureReason: 'Wallet closed.' });
      await act(a.agent, id, 'retry-payout');
      const paid = await act(a.system, id, 'payout', { result: 'SUCCEEDED', reference: 'PO-77' });
      expect(paid.status).toBe('REFUNDED');

      await expectAnswer(200, 'GET', `/v1/refunds/${id}`, { auth: a.customer });
      await expectAnswer(200, 'GET', `/v1/refunds/${id}/events`, { auth: a.customer });
      await expectAnswer(200, 'GET', `/v1/refunds?status=REFUNDED&limit=5`, { auth: a.merchant });
    });

    it('uploads evidence, submits, rejects, disputes, hears the merchant and decides', async () => {
      const id = await apply({ reasonCode: 'NOT_AS_DESCRIBED' });
      await act(a.customer, id, 'submit', undefined, 422);
      // Text: Prism's proxy reads bodies as UTF-8, which would mangle a photo's bytes.
      const form = new FormData();
      form.append('kind', 'NEGOTIATION_RECORD');
      form.append('file', new Blob([CHAT], { type: 'text/plain' }), 'chat.txt');
      const chat = await expectAnswer(201, 'POST', `/v1/refunds/${id}/attachments`, {
        auth: a.customer,
        body: form,
      });
      await expectAnswer(200, 'GET', `/v1/refunds/${id}/attachments`, { auth: a.merchant });
      const file = await expectAnswer(200, 'GET', `/v1/refunds/${id}/attachments/${chat.id}`, {
        auth: a.merchant,
      });
      expect(file).toBe(CHAT);
      await act(a.customer, id, 'submit');
      await act(a.merchant, id, 'reject', { reason: 'Signed for on 21 November.' });
      await act(a.customer, id, 'dispute', {
        statement: 'It is not the model I ordered.',
        negotiationRecords: [
          {
            at: '2026-11-22T10:00:00Z',
            channel: 'merchant chat',
            summary: 'The shop refused a return.',
            attachmentIds: [chat.id],
          },
        ],
      });
      await act(a.merchant, id, 'merchant-response', { statement: 'It is the model we listed.' });
      const decided = await act(a.agent, id, 'resolve-dispute', {
        outcome: 'CUSTOMER_FAVOUR',
        note: 'The chat shows the shop knew.',
      });
      expect(decided.status).toBe('APPROVED');
    });

    it('withdraws a dispute', async () => {
      const id = await apply();
      await act(a.customer, id, 'submit');
      await act(a.agent, id, 'reject', { reason: 'Delivered.' });
      await act(a.customer, id, 'dispute', { statement: 'It was not.' });
      expect((await act(a.customer, id, 'withdraw-dispute')).status).toBe('CLOSED');
    });

    it('offers part, declines, offers again, accepts', async () => {
      const id = await apply();
      await act(a.customer, id, 'submit');
      await act(a.merchant, id, 'offer', { amount: 100_000, message: 'Part of it?' });
      await act(a.customer, id, 'decline-offer');
      await act(a.agent, id, 'offer', { amount: 150_000, message: 'Half, for the merchant.' });
      await act(a.merchant, id, 'offer', { amount: 60_000, message: 'Again?' }, 409);
      expect((await act(a.customer, id, 'accept-offer')).status).toBe('APPROVED');
      await act(a.customer, id, 'accept-offer', undefined, 409);
    });

    it('escalates to support, twice, then cancels', async () => {
      const id = await apply();
      await act(a.customer, id, 'escalate', { message: 'Nobody answers.' }, 201);
      await act(a.customer, id, 'escalate', { message: 'Still nobody.' }, 200);
      expect((await act(a.customer, id, 'cancel')).status).toBe('CANCELLED');
    });

    it('answers 400, 401, 403, 404, 409, 412 and 422 as documented', async () => {
      const id = await apply();
      // What the document does not say: no NUL characters, If-Match holds a version.
      await expectAnswer(400, 'PATCH', `/v1/refunds/${id}`, {
        auth: a.customer,
        body: { description: 'a\u0000b' },
      });
      await expectAnswer(400, 'POST', `/v1/refunds/${id}/submit`, {
        auth: a.customer,
        headers: { 'If-Match': 'soon' },
      });
      await act('Bearer not-a-token', id, 'submit', undefined, 401);
      await act(a.merchant, id, 'submit', undefined, 403);
      await act(a.otherCustomer, id, 'submit', undefined, 404);
      await expectAnswer(404, 'GET', `/v1/refunds/${randomUUID()}`, { auth: a.agent });
      await act(a.merchant, id, 'approve', { note: 'Not yet submitted.' }, 409);
      await expectAnswer(412, 'POST', `/v1/refunds/${id}/submit`, {
        auth: a.customer,
        headers: { 'If-Match': '"7"' },
      });
      await expectAnswer(422, 'PATCH', `/v1/refunds/${id}`, {
        auth: a.customer,
        body: { amount: 5_000_000 },
      });
    });
  });
});
