import { createHash } from 'node:crypto';
import type { Response } from 'supertest';
import { FILE_SIZE_LIMIT } from '../apps/api/src/attachments/multipart-upload';
import { startTestApp, TestApp } from './support/app';
import { PNG, refundIn } from './support/fixtures';
import { act, actors, Actors, draft } from './support/refunds';

const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00]);
const PDF = Buffer.from('%PDF-1.4\n1 0 obj\n<< >>\nendobj\ntrailer\n<< >>\n%%EOF\n');
const TEXT = Buffer.from('Chat with the shop, 20 Nov:\r\n\tthey refused the return — 退款\n');

const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

/** A buffer of `size` bytes starting with `head` (the rest zeros). */
const padded = (head: Buffer, size: number): Buffer => {
  const bytes = Buffer.alloc(size);
  head.copy(bytes);
  return bytes;
};

/** Collects a binary response body as a Buffer. */
const binary = (res: Response, done: (error: Error | null, body: Buffer) => void): void => {
  const chunks: Buffer[] = [];
  res.on('data', (chunk: Buffer) => chunks.push(chunk));
  res.on('end', () => done(null, Buffer.concat(chunks)));
};

describe('attachments', () => {
  let t: TestApp;
  let a: Actors;
  beforeAll(async () => {
    t = await startTestApp();
    a = await actors(t);
  });
  afterAll(() => t.close());

  function upload(
    auth: string,
    refundId: string,
    file: Buffer = PNG,
    options: { filename?: string; contentType?: string; kind?: string; app?: TestApp } = {},
  ) {
    return (options.app ?? t).http
      .post(`/v1/refunds/${refundId}/attachments`)
      .set('Authorization', auth)
      .field('kind', options.kind ?? 'PHOTO')
      .attach('file', file, {
        filename: options.filename ?? 'evidence.png',
        contentType: options.contentType ?? 'application/octet-stream',
      });
  }

  /** A hand-made multipart body, for what supertest will not send: [part headers, content]. */
  function rawUpload(auth: string, refundId: string, parts: [string, Buffer | string][]) {
    const boundary = 'b0undary';
    const body = Buffer.concat([
      ...parts.flatMap(([headers, content]) => [
        Buffer.from(`--${boundary}\r\n${headers}\r\n\r\n`),
        Buffer.from(content),
        Buffer.from('\r\n'),
      ]),
      Buffer.from(`--${boundary}--\r\n`),
    ]);
    return t.http
      .post(`/v1/refunds/${refundId}/attachments`)
      .set('Authorization', auth)
      .set('Content-Type', `multipart/form-data; boundary=${boundary}`)
      .send(body);
  }

  function download(auth: string, refundId: string, attachmentId: string) {
    return t.http
      .get(`/v1/refunds/${refundId}/attachments/${attachmentId}`)
      .set('Authorization', auth)
      .buffer(true)
      .parse(binary);
  }

  describe('accepted files', () => {
    it.each([
      ['PNG', PNG, 'photo.png', 'image/png', 'PHOTO'],
      ['JPEG', JPEG, 'photo.jpg', 'image/jpeg', 'PHOTO'],
      ['PDF', PDF, 'receipt.pdf', 'application/pdf', 'RECEIPT'],
      ['plain text', TEXT, 'chat.txt', 'text/plain; charset=utf-8', 'NEGOTIATION_RECORD'],
    ])(
      'stores a %s file with its size, type, hash and uploader',
      async (_, file, name, type, kind) => {
        const refundId = await refundIn(t, 'DRAFT');
        const res = await upload(a.customer, refundId, file, { filename: name, kind });
        expect(res.status).toBe(201);
        expect(res.body).toEqual({
          id: expect.stringMatching(/^[0-9a-f-]{36}$/),
          refundId,
          kind,
          fileName: name,
          contentType: type,
          size: file.length,
          sha256: sha256(file),
          uploadedBy: { role: 'customer', id: 'cus-1' },
          createdAt: expect.any(String),
        });
      },
    );

    it('reads `kind` whether it comes before or after the file', async () => {
      const refundId = await refundIn(t, 'DRAFT');
      const kindAfter = await t.http
        .post(`/v1/refunds/${refundId}/attachments`)
        .set('Authorization', a.customer)
        .attach('file', PDF, { filename: 'receipt.pdf', contentType: 'application/pdf' })
        .field('kind', 'RECEIPT');
      expect(kindAfter.status).toBe(201);
      expect(kindAfter.body.kind).toBe('RECEIPT');
    });

    it('judges the type by the bytes: a PNG named .txt and sent as text/plain is image/png, notes.png', async () => {
      const refundId = await refundIn(t, 'DRAFT');
      const res = await upload(a.customer, refundId, PNG, {
        filename: 'notes.txt',
        contentType: 'text/plain',
      });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ fileName: 'notes.png', contentType: 'image/png' });
    });

    it('accepts a file of exactly 5 MiB', async () => {
      const refundId = await refundIn(t, 'DRAFT');
      const file = padded(PNG, FILE_SIZE_LIMIT);
      const res = await upload(a.customer, refundId, file);
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ size: FILE_SIZE_LIMIT, sha256: sha256(file) });
    });

    it('replays a retried upload with the same Idempotency-Key instead of storing it twice', async () => {
      const refundId = await refundIn(t, 'DRAFT');
      // Each attempt is framed with its own multipart boundary, as real clients retry.
      const send = (file: Buffer) =>
        t.http
          .post(`/v1/refunds/${refundId}/attachments`)
          .set('Authorization', a.customer)
          .set('Idempotency-Key', 'upload-1')
          .field('kind', 'PHOTO')
          .attach('file', file, { filename: 'a.png', contentType: 'image/png' });
      const first = await send(PNG);
      const retry = await send(PNG);
      expect(first.status).toBe(201);
      expect(retry.status).toBe(201);
      expect(retry.headers['idempotent-replayed']).toBe('true');
      expect(retry.body).toEqual(first.body);
      const other = await send(Buffer.concat([PNG, Buffer.from([0])]));
      expect([other.status, other.body.code]).toEqual([409, 'IDEMPOTENCY_KEY_REUSED']);
      const list = await t.http
        .get(`/v1/refunds/${refundId}/attachments`)
        .set('Authorization', a.customer);
      expect(list.body).toHaveLength(1);
    });

    it("leaves the refund's version, status and timeline alone", async () => {
      const { id: refundId } = await draft(t, a);
      const before = await t.http.get(`/v1/refunds/${refundId}`).set('Authorization', a.customer);
      expect((await upload(a.customer, refundId)).status).toBe(201);
      const after = await t.http.get(`/v1/refunds/${refundId}`).set('Authorization', a.customer);
      expect(after.body).toMatchObject({ status: 'DRAFT', version: before.body.version });
      expect(after.body.updatedAt).toBe(before.body.updatedAt);
      expect(after.headers.etag).toBe(before.headers.etag);
      const events = await t.http
        .get(`/v1/refunds/${refundId}/events`)
        .set('Authorization', a.customer);
      expect(events.body.map((e: { action: string }) => e.action)).toEqual(['apply']);
    });
  });

  describe('refused files', () => {
    it.each([
      ['a Windows executable', Buffer.from([0x4d, 0x5a, 0x90, 0x00, 0x03, 0x00]), 'setup.png'],
      ['a zip archive', Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x00]), 'photos.pdf'],
      ['HTML with a NUL byte', Buffer.from('<html><script>x()</script>\u0000</html>'), 'a.txt'],
      ['text with an escape sequence', Buffer.from('hello \u001b[2J'), 'a.txt'],
      ['invalid UTF-8', Buffer.from([0x68, 0x69, 0xc3, 0x28, 0x0a]), 'a.txt'],
      ['a GIF', Buffer.from([0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 0x01, 0x00, 0x01]), 'a.png'],
    ])('refuses %s with 415, whatever its name and claimed type', async (_, file, filename) => {
      const refundId = await refundIn(t, 'DRAFT');
      const res = await upload(a.customer, refundId, file, { filename, contentType: 'image/png' });
      expect(res.status).toBe(415);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body).toMatchObject({ status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' });
    });

    it('refuses a file of 5 MiB + 1 byte with 413', async () => {
      const refundId = await refundIn(t, 'DRAFT');
      const res = await upload(a.customer, refundId, padded(PNG, FILE_SIZE_LIMIT + 1));
      expect(res.status).toBe(413);
      expect(res.body).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
      const list = await t.http
        .get(`/v1/refunds/${refundId}/attachments`)
        .set('Authorization', a.customer);
      expect(list.body).toEqual([]);
    });

    it('answers 404 and 409 before looking at the size or the type', async () => {
      const big = padded(PNG, FILE_SIZE_LIMIT + 1);
      const draftId = await refundIn(t, 'DRAFT');
      expect((await upload(a.otherCustomer, draftId, big)).status).toBe(404);
      const submittedId = await refundIn(t, 'SUBMITTED');
      expect((await upload(a.customer, submittedId, big)).status).toBe(409);
      expect((await upload(a.customer, submittedId, Buffer.from([0x4d, 0x5a, 0]))).status).toBe(
        409,
      );
    });

    it('refuses the 11th attachment with 422 TOO_MANY_ATTACHMENTS', async () => {
      const refundId = await refundIn(t, 'DRAFT');
      for (let i = 1; i <= 10; i += 1) {
        expect((await upload(a.customer, refundId, PNG, { filename: `${i}.png` })).status).toBe(
          201,
        );
      }
      const eleventh = await upload(a.customer, refundId, PNG, { filename: '11.png' });
      expect(eleventh.status).toBe(422);
      expect(eleventh.body).toMatchObject({ code: 'TOO_MANY_ATTACHMENTS' });
      const list = await t.http
        .get(`/v1/refunds/${refundId}/attachments`)
        .set('Authorization', a.customer);
      expect(list.body).toHaveLength(10);
    });

    it('never exceeds 10 when uploads race for the last free slots', async () => {
      const refundId = await refundIn(t, 'DRAFT');
      for (let i = 1; i <= 7; i += 1) {
        expect((await upload(a.customer, refundId)).status).toBe(201);
      }
      const racing = await Promise.all(
        Array.from({ length: 6 }, (_, i) =>
          upload(a.customer, refundId, PNG, { filename: `race-${i}.png` }),
        ),
      );
      const statuses = racing.map((res) => res.status).sort();
      expect(statuses).toEqual([201, 201, 201, 422, 422, 422]);
      const list = await t.http
        .get(`/v1/refunds/${refundId}/attachments`)
        .set('Authorization', a.customer);
      expect(list.body).toHaveLength(10);
    });
  });

  describe('malformed uploads', () => {
    let refundId: string;
    beforeAll(async () => {
      refundId = await refundIn(t, 'DRAFT');
    });

    it('needs a token (401) before anything else', async () => {
      const res = await t.http
        .post(`/v1/refunds/${refundId}/attachments`)
        .field('kind', 'PHOTO')
        .attach('file', PNG, 'a.png');
      expect(res.status).toBe(401);
    });

    it('answers 400 without a file part', async () => {
      const res = await t.http
        .post(`/v1/refunds/${refundId}/attachments`)
        .set('Authorization', a.customer)
        .field('kind', 'PHOTO');
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ code: 'VALIDATION_FAILED' });
      expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual(['file']);
    });

    it.each([
      ['missing', undefined],
      ['unknown', 'SELFIE'],
      ['lower-case', 'photo'],
    ])('answers 400 when `kind` is %s', async (_, kind) => {
      const req = t.http
        .post(`/v1/refunds/${refundId}/attachments`)
        .set('Authorization', a.customer);
      if (kind !== undefined) void req.field('kind', kind);
      const res = await req.attach('file', PNG, 'a.png');
      expect(res.status).toBe(400);
      expect(res.body.errors).toEqual([
        { field: 'kind', message: 'must be one of RECEIPT, PHOTO, NEGOTIATION_RECORD, OTHER' },
      ]);
    });

    it('answers 400 for an empty file, unknown fields and a second file', async () => {
      const empty = await upload(a.customer, refundId, Buffer.alloc(0));
      expect(empty.status).toBe(400);
      expect(empty.body.errors).toEqual([{ field: 'file', message: 'the file is empty' }]);

      const extra = await upload(a.customer, refundId).field('note', 'hi');
      expect(extra.status).toBe(400);
      expect(extra.body.errors).toEqual([{ field: 'note', message: 'is not an accepted field' }]);

      const twoFiles = await upload(a.customer, refundId).attach('file', JPEG, 'b.jpg');
      expect(twoFiles.status).toBe(400);
      expect(twoFiles.body.errors[0]).toMatchObject({ field: 'file' });

      const wrongName = await t.http
        .post(`/v1/refunds/${refundId}/attachments`)
        .set('Authorization', a.customer)
        .field('kind', 'PHOTO')
        .attach('upload', PNG, 'a.png');
      expect(wrongName.status).toBe(400);
      expect(wrongName.body.errors.map((e: { field: string }) => e.field)).toEqual([
        'upload',
        'file',
      ]);
    });

    it('answers 400 for a broken multipart body', async () => {
      const res = await t.http
        .post(`/v1/refunds/${refundId}/attachments`)
        .set('Authorization', a.customer)
        .set('Content-Type', 'multipart/form-data; boundary=abc')
        .send(Buffer.from('--abc\r\nContent-Disposition: form-data; name="kind"\r\n\r\nPHOTO'));
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ status: 400 });

      const noBoundary = await t.http
        .post(`/v1/refunds/${refundId}/attachments`)
        .set('Authorization', a.customer)
        .set('Content-Type', 'multipart/form-data')
        .send(Buffer.from('whatever'));
      expect(noBoundary.status).toBe(400);
    });

    it('answers 415 to a body that is not multipart', async () => {
      const json = await t.http
        .post(`/v1/refunds/${refundId}/attachments`)
        .set('Authorization', a.customer)
        .send({ kind: 'PHOTO', file: 'iVBORw0KGgo=' });
      expect(json.status).toBe(415);
      expect(json.body).toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE' });
      const octets = await t.http
        .post(`/v1/refunds/${refundId}/attachments`)
        .set('Authorization', a.customer)
        .set('Content-Type', 'image/png')
        .send(PNG);
      expect(octets.status).toBe(415);
    });

    it('answers 404 for a malformed or unknown refund id', async () => {
      expect((await upload(a.customer, 'not-a-uuid')).status).toBe(404);
      expect((await upload(a.customer, '00000000-0000-4000-8000-000000000000')).status).toBe(404);
    });
  });

  describe('who may upload when', () => {
    it.each([
      ['customer', 'DRAFT', 201],
      ['customer', 'INFO_REQUESTED', 201],
      ['customer', 'REJECTED', 201],
      ['customer', 'DISPUTED', 201],
      ['customer', 'SUBMITTED', 409],
      ['customer', 'UNDER_REVIEW', 409],
      ['customer', 'APPROVED', 409],
      ['customer', 'CANCELLED', 409],
      ['customer', 'CLOSED', 409],
      ['merchant', 'SUBMITTED', 201],
      ['merchant', 'UNDER_REVIEW', 201],
      ['merchant', 'DISPUTED', 201],
      ['merchant', 'DRAFT', 409],
      ['merchant', 'INFO_REQUESTED', 409],
      ['merchant', 'REJECTED', 409],
      ['agent', 'SUBMITTED', 201],
      ['agent', 'UNDER_REVIEW', 201],
      ['agent', 'DISPUTED', 201],
      ['agent', 'DRAFT', 409],
      ['agent', 'APPROVED', 409],
      ['system', 'DRAFT', 403],
      ['system', 'UNDER_REVIEW', 403],
      ['otherCustomer', 'DRAFT', 404],
      ['otherMerchant', 'SUBMITTED', 404],
    ] as const)('%s uploading to a %s refund gets %i', async (who, status, expected) => {
      const refundId = await refundIn(t, status);
      const res = await upload(a[who], refundId);
      expect(res.status).toBe(expected);
      if (expected === 409) expect(res.body.code).toBe('INVALID_TRANSITION');
      if (expected === 201) {
        expect(res.body.uploadedBy).toEqual({
          role: who,
          id: { customer: 'cus-1', merchant: 'mer-1', agent: 'agt-1' }[who as string],
        });
      }
    });

    it('a customer may add evidence to a rejection only while it can still be disputed', async () => {
      const closedWindow = await startTestApp({ DISPUTE_WINDOW_DAYS: '0' });
      try {
        const who = await actors(closedWindow);
        const refundId = await refundIn(closedWindow, 'REJECTED');
        await new Promise((resolve) => setTimeout(resolve, 5));
        const res = await upload(who.customer, refundId, PNG, { app: closedWindow });
        expect(res.status).toBe(409);
        expect(res.body.code).toBe('INVALID_TRANSITION');
      } finally {
        await closedWindow.close();
      }
    });

    it('lets a customer cite an uploaded file in the dispute', async () => {
      const refundId = await refundIn(t, 'REJECTED');
      const chat = await upload(a.customer, refundId, TEXT, {
        filename: 'chat.txt',
        kind: 'NEGOTIATION_RECORD',
      });
      expect(chat.status).toBe(201);
      const disputed = await act(t, a.customer, refundId, 'dispute', {
        statement: 'The shop refused without looking at the parcel.',
        negotiationRecords: [
          {
            at: '2026-11-21T02:00:00Z',
            channel: 'merchant chat',
            summary: 'Refused the return.',
            attachmentIds: [chat.body.id],
          },
        ],
      });
      expect(disputed.status).toBe(200);
    });
  });

  describe('evidence checklist', () => {
    it('refuses a PHOTO that is not an image with 422 EVIDENCE_KIND_MISMATCH: it cannot meet the photo rule', async () => {
      const refund = await draft(t, a, { reasonCode: 'DEFECTIVE_OR_DAMAGED' });
      for (const file of [TEXT, PDF]) {
        const res = await upload(a.customer, refund.id, file, {
          kind: 'PHOTO',
          filename: 'photo.png',
          contentType: 'image/png',
        });
        expect(res.status).toBe(422);
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(res.body).toMatchObject({
          code: 'EVIDENCE_KIND_MISMATCH',
          errors: [{ field: 'kind', message: expect.stringMatching(/PNG or JPEG/) }],
        });
      }
      const list = await t.http
        .get(`/v1/refunds/${refund.id}/attachments`)
        .set('Authorization', a.customer);
      expect(list.body).toEqual([]);
      const submitted = await act(t, a.customer, refund.id, 'submit');
      expect([submitted.status, submitted.body.code]).toEqual([422, 'EVIDENCE_MISSING']);
    });

    it('a DEFECTIVE_OR_DAMAGED refund can be submitted once it has a PHOTO', async () => {
      const refund = await draft(t, a, { reasonCode: 'DEFECTIVE_OR_DAMAGED' });
      const early = await act(t, a.customer, refund.id, 'submit');
      expect(early.status).toBe(422);
      expect(early.body.code).toBe('EVIDENCE_MISSING');

      expect((await upload(a.customer, refund.id, PDF, { kind: 'RECEIPT' })).status).toBe(201);
      expect((await act(t, a.customer, refund.id, 'submit')).status).toBe(422);

      expect((await upload(a.customer, refund.id, JPEG, { kind: 'PHOTO' })).status).toBe(201);
      const submitted = await act(t, a.customer, refund.id, 'submit');
      expect(submitted.status).toBe(200);
      expect(submitted.body).toMatchObject({ status: 'SUBMITTED', version: 2 });
    });
  });

  describe('during a dispute', () => {
    it("shows the merchant's evidence in the dispute case, for the agent", async () => {
      const refundId = await refundIn(t, 'DISPUTED');
      const uploaded = await upload(a.merchant, refundId, PDF, {
        kind: 'RECEIPT',
        filename: 'delivery-proof.pdf',
      });
      expect(uploaded.status).toBe(201);
      const refund = await t.http.get(`/v1/refunds/${refundId}`).set('Authorization', a.agent);
      const messages = await t.http
        .get(`/v1/cases/${refund.body.caseId}/messages`)
        .set('Authorization', a.agent);
      expect(messages.body.at(-1)).toMatchObject({
        author: { role: 'merchant', id: 'mer-1' },
        details: { attachmentId: uploaded.body.id },
      });
      expect(messages.body.at(-1).body).toMatch(/delivery-proof\.pdf/);
    });

    it('refuses merchant evidence after merchantResponseDueAt with 422', async () => {
      const late = await startTestApp({ DISPUTE_MERCHANT_RESPONSE_DAYS: '0' });
      try {
        const who = await actors(late);
        const refundId = await refundIn(late, 'DISPUTED');
        await new Promise((resolve) => setTimeout(resolve, 20));
        const res = await upload(who.merchant, refundId, PNG, { app: late });
        expect([res.status, res.body.code]).toEqual([422, 'RESPONSE_WINDOW_CLOSED']);
        // The customer's own evidence is still welcome.
        expect((await upload(who.customer, refundId, PNG, { app: late })).status).toBe(201);
      } finally {
        await late.close();
      }
    });
  });

  describe('listing and downloading', () => {
    let refundId: string;
    let png: { id: string; sha256: string };
    let text: { id: string; sha256: string };
    beforeAll(async () => {
      refundId = await refundIn(t, 'DISPUTED');
      png = (await upload(a.customer, refundId, PNG, { filename: 'damage.png' })).body;
      text = (await upload(a.merchant, refundId, TEXT, { filename: 'our side.txt', kind: 'OTHER' }))
        .body;
    });

    it('lists metadata, oldest first, to everyone who may see the refund', async () => {
      for (const who of ['customer', 'merchant', 'agent', 'system'] as const) {
        const res = await t.http
          .get(`/v1/refunds/${refundId}/attachments`)
          .set('Authorization', a[who]);
        expect(res.status).toBe(200);
        expect(res.body).toEqual([png, text]);
      }
      expect(Object.keys(png)).not.toContain('content');
    });

    it('hides the list and the files from those who may not see the refund (404)', async () => {
      for (const who of ['otherCustomer', 'otherMerchant'] as const) {
        const list = await t.http
          .get(`/v1/refunds/${refundId}/attachments`)
          .set('Authorization', a[who]);
        expect(list.status).toBe(404);
        expect((await download(a[who], refundId, png.id)).status).toBe(404);
      }
      expect((await t.http.get(`/v1/refunds/${refundId}/attachments`)).status).toBe(401);
    });

    it('serves the exact bytes with safe download headers', async () => {
      const res = await download(a.agent, refundId, png.id);
      expect(res.status).toBe(200);
      expect(Buffer.compare(res.body as Buffer, PNG)).toBe(0);
      expect(sha256(res.body)).toBe(png.sha256);
      expect(res.headers).toMatchObject({
        'content-type': 'image/png',
        'content-length': String(PNG.length),
        'content-disposition': `attachment; filename="damage.png"; filename*=UTF-8''damage.png`,
        'x-content-type-options': 'nosniff',
        etag: `"${png.sha256}"`,
      });

      const plain = await download(a.customer, refundId, text.id);
      expect(plain.headers['content-type']).toBe('text/plain; charset=utf-8');
      expect(Buffer.compare(plain.body as Buffer, TEXT)).toBe(0);
      expect(plain.headers['content-disposition']).toBe(
        `attachment; filename="our side.txt"; filename*=UTF-8''our%20side.txt`,
      );
    });

    it('serves a 5 MiB file intact', async () => {
      const id = await refundIn(t, 'DRAFT');
      const file = padded(JPEG, FILE_SIZE_LIMIT);
      file.write('tail', FILE_SIZE_LIMIT - 4);
      const stored = await upload(a.customer, id, file, { filename: 'big.jpg' });
      const res = await download(a.customer, id, stored.body.id);
      expect(res.status).toBe(200);
      expect(Buffer.compare(res.body as Buffer, file)).toBe(0);
    });

    it('answers 404 for an attachment of another refund, or an id that is not one', async () => {
      const otherRefund = await refundIn(t, 'DRAFT');
      const other = (await upload(a.customer, otherRefund)).body;
      expect((await download(a.customer, refundId, other.id)).status).toBe(404);
      expect((await download(a.customer, refundId, 'nope')).status).toBe(404);
      expect(
        (await download(a.customer, refundId, '00000000-0000-4000-8000-000000000000')).status,
      ).toBe(404);
    });

    it('keeps a hostile file name harmless in storage and in Content-Disposition', async () => {
      // supertest escapes `"`, CR and LF as %22, %0D and %0A, as browsers do.
      const escaped = await upload(a.customer, refundId, PNG, {
        filename: '../../evil"\r\nname.png',
      });
      expect(escaped.status).toBe(201);
      expect(escaped.body.fileName).toBe('evil%22%0D%0Aname.png');
      const header = (await download(a.customer, refundId, escaped.body.id)).headers[
        'content-disposition'
      ];
      expect(header).toBe(
        `attachment; filename="evil_22_0D_0Aname.png"; ` +
          `filename*=UTF-8''evil%2522%250D%250Aname.png`,
      );

      // Sent raw, with an RFC 8187 name that decodes to a path, a quote and a bidi override.
      const raw = await rawUpload(a.customer, refundId, [
        ['Content-Disposition: form-data; name="kind"', 'PHOTO'],
        [
          `Content-Disposition: form-data; name="file"; ` +
            `filename*=UTF-8''..%2F..%2Fevil%22name%E2%80%AEgnp.exe\r\nContent-Type: image/png`,
          PNG,
        ],
      ]);
      expect(raw.status).toBe(201);
      expect(raw.body.fileName).toBe('evilnamegnp.png');
      const rawHeader = (await download(a.customer, refundId, raw.body.id)).headers[
        'content-disposition'
      ];
      expect(rawHeader).toBe(
        `attachment; filename="evilnamegnp.png"; filename*=UTF-8''evilnamegnp.png`,
      );
    });

    it.each([
      ['receipt.bat', 'receipt.txt', TEXT],
      ['page.html', 'page.txt', TEXT],
      ['receipt', 'receipt.pdf', PDF],
      ['photo.jpeg', 'photo.jpeg', JPEG],
    ])(
      'gives a file uploaded as %s out as %s: the extension of its detected type',
      async (name, served, file) => {
        const res = await upload(a.customer, refundId, file, { filename: name, kind: 'OTHER' });
        expect(res.status).toBe(201);
        expect(res.body.fileName).toBe(served);
        const list = await t.http
          .get(`/v1/refunds/${refundId}/attachments`)
          .set('Authorization', a.merchant);
        expect(list.body.find((x: { id: string }) => x.id === res.body.id).fileName).toBe(served);
        const got = await download(a.merchant, refundId, res.body.id);
        expect(got.headers['content-disposition']).toBe(
          `attachment; filename="${served}"; filename*=UTF-8''${served}`,
        );
      },
    );

    it('keeps a unicode file name, with an ASCII fallback', async () => {
      const res = await upload(a.customer, refundId, JPEG, { filename: '收据 café.jpg' });
      expect(res.status).toBe(201);
      expect(res.body.fileName).toBe('收据 café.jpg');
      const got = await download(a.merchant, refundId, res.body.id);
      expect(got.headers['content-disposition']).toBe(
        `attachment; filename="__ caf_.jpg"; filename*=UTF-8''%E6%94%B6%E6%8D%AE%20caf%C3%A9.jpg`,
      );
    });
  });

  it('documents the multipart body and every refusal in the OpenAPI document', async () => {
    const docs = await t.http.get('/docs-json');
    const path = docs.body.paths['/v1/refunds/{id}/attachments'];
    const body = path.post.requestBody.content['multipart/form-data'].schema;
    expect(body.required).toEqual(['file', 'kind']);
    expect(body.properties.file).toMatchObject({ type: 'string', format: 'binary' });
    expect(body.properties.kind.enum).toEqual(['RECEIPT', 'PHOTO', 'NEGOTIATION_RECORD', 'OTHER']);
    expect(Object.keys(path.post.responses).sort()).toEqual(
      ['201', '400', '401', '403', '404', '409', '413', '415', '422', '429', '503'].sort(),
    );
    const file = docs.body.paths['/v1/refunds/{id}/attachments/{attachmentId}'].get;
    expect(Object.keys(file.responses['200'].content)).toEqual(
      expect.arrayContaining(['application/pdf', 'image/png', 'image/jpeg']),
    );
  });
});
