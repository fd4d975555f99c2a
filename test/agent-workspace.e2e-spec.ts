import { rmSync } from 'node:fs';
import { startTestApp, TestApp } from './support/app';
import {
  allDayChannelsFile,
  caseAction,
  DISPUTE,
  getRefund,
  readCase,
  REJECT,
  refundThrough,
  SUBMIT,
  timeline,
} from './support/cases';
import { act, actors, Actors } from './support/refunds';

describe('the agent workspace', () => {
  const channels = allDayChannelsFile();
  let t: TestApp;
  let a: Actors;
  beforeAll(async () => {
    t = await startTestApp({ SUPPORT_CHANNELS: channels.file });
    a = await actors(t);
  });
  afterAll(async () => {
    await t.close();
    rmSync(channels.dir, { recursive: true, force: true });
  });

  describe('resolving a dispute (POST /v1/refunds/:id/resolve-dispute)', () => {
    const note = 'We refund you in full: the courier could not show a signature.';
    const internalNote = 'Courier hub ABC lost three parcels this week; merchant is not at fault.';

    it('sends the note to the customer and keeps the internal note among agents', async () => {
      const refundId = await refundThrough(t, a, [SUBMIT, REJECT, DISPUTE]);
      const { caseId } = await getRefund(t, a.agent, refundId);

      const res = await act(t, a.agent, refundId, 'resolve-dispute', {
        outcome: 'CUSTOMER_FAVOUR',
        note,
        internalNote,
      });
      expect(res.status).toBe(200);

      const forCustomer = await readCase(t, a.customer, caseId, '/messages');
      expect(forCustomer.at(-1)).toMatchObject({ body: note, internal: false });
      const forAgents = await readCase(t, a.agent, caseId, '/messages');
      expect(forAgents.slice(-2)).toMatchObject([
        { body: note, internal: false, author: { role: 'agent', id: 'agt-1' } },
        { body: internalNote, internal: true, author: { role: 'agent', id: 'agt-1' } },
      ]);
    });

    it('never shows the internal note to the customer or the merchant, anywhere', async () => {
      const refundId = await refundThrough(t, a, [SUBMIT, REJECT, DISPUTE]);
      const { caseId } = await getRefund(t, a.agent, refundId);
      await act(t, a.agent, refundId, 'resolve-dispute', {
        outcome: 'MERCHANT_FAVOUR',
        note,
        internalNote,
      });

      const seen = [
        await readCase(t, a.customer, caseId, '/messages'),
        await readCase(t, a.customer, caseId, '/history'),
        await readCase(t, a.customer, caseId),
        await getRefund(t, a.customer, refundId),
        await getRefund(t, a.merchant, refundId),
        await timeline(t, a.customer, refundId),
        await timeline(t, a.merchant, refundId),
        (await t.http.get('/v1/events').set('Authorization', a.customer)).body,
        (await t.http.get('/v1/events').set('Authorization', a.merchant)).body,
      ];
      for (const body of seen) expect(JSON.stringify(body)).not.toContain('Courier hub ABC');
    });

    it('makes the resolving agent the assignee of an unassigned case', async () => {
      const refundId = await refundThrough(t, a, [SUBMIT, REJECT, DISPUTE]);
      const { caseId } = await getRefund(t, a.agent, refundId);
      expect((await readCase(t, a.agent, caseId)).assigneeId).toBeNull();

      await act(t, a.agent, refundId, 'resolve-dispute', { outcome: 'CUSTOMER_FAVOUR', note });

      expect(await readCase(t, a.agent, caseId)).toMatchObject({
        status: 'SOLVED',
        assigneeId: 'agt-1',
      });
    });

    it('keeps the assignee a case already has', async () => {
      const refundId = await refundThrough(t, a, [SUBMIT, REJECT, DISPUTE]);
      const { caseId } = await getRefund(t, a.agent, refundId);
      await caseAction(t, a.agent, caseId, 'assign', { agentId: 'agt-7' });

      await act(t, a.agent, refundId, 'resolve-dispute', { outcome: 'CUSTOMER_FAVOUR', note });

      expect((await readCase(t, a.agent, caseId)).assigneeId).toBe('agt-7');
    });

    it.each([
      ['an empty internal note', { internalNote: '' }],
      ['an internal note that is not text', { internalNote: 42 }],
      ['an internal note over 4000 characters', { internalNote: 'x'.repeat(4001) }],
    ])('refuses %s (400) and changes nothing', async (_what, extra) => {
      const refundId = await refundThrough(t, a, [SUBMIT, REJECT, DISPUTE]);
      const res = await act(t, a.agent, refundId, 'resolve-dispute', {
        outcome: 'CUSTOMER_FAVOUR',
        note,
        ...extra,
      });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
      expect((await getRefund(t, a.agent, refundId)).status).toBe('DISPUTED');
    });
  });
});
