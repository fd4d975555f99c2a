import { RefundsService } from '../apps/api/src/refunds/refunds.service';
import { PNG } from './support/fixtures';
import { startTestApp, TestApp } from './support/app';
import { actors, Actors, draft } from './support/refunds';

/**
 * A draft expires DRAFT_EXPIRY_DAYS after the customer's last change to it: apply, PATCH, or an
 * upload (which leaves the refund's version and `updatedAt` alone). The scan is called directly.
 */
let t: TestApp;
let a: Actors;
beforeAll(async () => {
  t = await startTestApp({ DRAFT_EXPIRY_DAYS: '1', SLA_CHECK_INTERVAL_SECONDS: '3600' });
  a = await actors(t);
});
afterAll(() => t.close());

const backdate = (id: string) =>
  t.query(`UPDATE refunds SET draft_touched_at = now() - interval '2 days' WHERE id = $1`, [id]);
const status = async (id: string) =>
  (await t.http.get(`/v1/refunds/${id}`).set('Authorization', a.customer)).body.status as string;

describe('draft expiry', () => {
  it('counts from the last upload, PATCH or apply, not from the draft creation', async () => {
    const [untouched, uploaded, patched] = [
      await draft(t, a),
      await draft(t, a),
      await draft(t, a),
    ];
    for (const refund of [untouched, uploaded, patched]) await backdate(refund.id);

    const upload = await t.http
      .post(`/v1/refunds/${uploaded.id}/attachments`)
      .set('Authorization', a.customer)
      .field('kind', 'PHOTO')
      .attach('file', PNG, { filename: 'parcel.png', contentType: 'image/png' });
    expect(upload.status).toBe(201);
    const patch = await t.http
      .patch(`/v1/refunds/${patched.id}`)
      .set('Authorization', a.customer)
      .send({ description: 'The parcel never came.' });
    expect(patch.status).toBe(200);

    expect(await t.app.get(RefundsService).expireDue()).toEqual([untouched.id]);
    expect([
      await status(untouched.id),
      await status(uploaded.id),
      await status(patched.id),
    ]).toEqual(['EXPIRED', 'DRAFT', 'DRAFT']);
  });
});
