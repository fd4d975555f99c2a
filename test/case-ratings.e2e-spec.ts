import { startTestApp, TestApp } from './support/app';
import {
  caseAction,
  escalate,
  readCase,
  refundThrough,
  stopScheduler,
  SUBMIT,
} from './support/cases';
import { actors, Actors } from './support/refunds';

describe('satisfaction ratings (POST /v1/cases/:id/rating)', () => {
  let t: TestApp;
  let a: Actors;
  beforeAll(async () => {
    t = await startTestApp({ CSAT_WINDOW_DAYS: '14' });
    await stopScheduler(t.app);
    a = await actors(t);
  });
  afterAll(() => t.close());

  async function openCase(): Promise<Record<string, any>> {
    const refundId = await refundThrough(t, a, [SUBMIT]);
    const res = await escalate(t, a.customer, refundId);
    expect(res.status).toBe(201);
    return res.body;
  }

  async function solvedCase(): Promise<Record<string, any>> {
    const supportCase = await openCase();
    expect((await caseAction(t, a.agent, supportCase.id, 'solve')).status).toBe(200);
    return supportCase;
  }

  const rate = (auth: string, id: string, body: Record<string, unknown>) =>
    caseAction(t, auth, id, 'rating', body);

  it("takes the customer's score and comment once the case is solved (201), and shows it", async () => {
    const supportCase = await solvedCase();
    const res = await rate(a.customer, supportCase.id, { score: 4, comment: 'Quick, thanks.' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      id: supportCase.id,
      status: 'SOLVED',
      rating: { score: 4, comment: 'Quick, thanks.', ratedAt: expect.any(String) },
    });
    for (const auth of [a.customer, a.agent]) {
      expect((await readCase(t, auth, supportCase.id)).rating).toEqual(res.body.rating);
    }
    const history = await readCase(t, a.agent, supportCase.id, '/history');
    expect(history.at(-1)).toMatchObject({
      change: 'rated',
      actor: { role: 'customer', id: 'cus-1' },
      details: { score: 4 },
    });
  });

  it('publishes case.rated with the case', async () => {
    const supportCase = await solvedCase();
    expect((await rate(a.customer, supportCase.id, { score: 5 })).status).toBe(201);
    const events = await t.http
      .get('/v1/events')
      .query({ type: 'case.rated', limit: 100 })
      .set('Authorization', a.agent);
    expect(events.status).toBe(200);
    const event = events.body.data.find((e: any) => e.data.id === supportCase.id);
    expect(event).toMatchObject({
      type: 'case.rated',
      data: { rating: { score: 5, comment: null } },
    });
  });

  it('shows no rating before there is one', async () => {
    const supportCase = await solvedCase();
    expect((await readCase(t, a.customer, supportCase.id)).rating).toBeNull();
  });

  it('refuses merchants and agents (403) and other customers (404)', async () => {
    const supportCase = await solvedCase();
    for (const auth of [a.merchant, a.agent, a.system]) {
      const res = await rate(auth, supportCase.id, { score: 3 });
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('FORBIDDEN');
    }
    const stranger = await rate(a.otherCustomer, supportCase.id, { score: 3 });
    expect(stranger.status).toBe(404);
    expect(
      (await rate(a.customer, '00000000-0000-4000-8000-000000000000', { score: 3 })).status,
    ).toBe(404);
    expect((await readCase(t, a.agent, supportCase.id)).rating).toBeNull();
  });

  it.each<[string, Record<string, unknown>]>([
    ['no score', {}],
    ['a score of 0', { score: 0 }],
    ['a score of 6', { score: 6 }],
    ['a fractional score', { score: 4.5 }],
    ['a score as text', { score: '5' }],
    ['a comment that is no text', { score: 5, comment: 7 }],
    ['an unknown field', { score: 5, extra: true }],
    ['a comment over 2000 characters', { score: 5, comment: 'x'.repeat(2001) }],
  ])('refuses a rating with %s (400)', async (_what, body) => {
    const supportCase = await solvedCase();
    const res = await rate(a.customer, supportCase.id, body);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
  });

  it('refuses a rating of an open case (409 INVALID_TRANSITION)', async () => {
    const supportCase = await openCase();
    const res = await rate(a.customer, supportCase.id, { score: 2 });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('INVALID_TRANSITION');
  });

  it('rates once (409 ALREADY_RATED), and the rating survives a reopen', async () => {
    const supportCase = await solvedCase();
    const first = await rate(a.customer, supportCase.id, { score: 2, comment: 'Slow.' });
    expect(first.status).toBe(201);
    const again = await rate(a.customer, supportCase.id, { score: 5 });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('ALREADY_RATED');

    const reopened = await caseAction(t, a.customer, supportCase.id, 'reopen');
    expect(reopened.body).toMatchObject({ status: 'OPEN', rating: first.body.rating });
    expect((await rate(a.customer, supportCase.id, { score: 5 })).body.code).toBe(
      'INVALID_TRANSITION',
    );
    await caseAction(t, a.agent, supportCase.id, 'solve');
    const afterReopen = await rate(a.customer, supportCase.id, { score: 5 });
    expect(afterReopen.status).toBe(409);
    expect(afterReopen.body.code).toBe('ALREADY_RATED');
    expect((await readCase(t, a.customer, supportCase.id)).rating).toEqual(first.body.rating);
  });

  it('rates a CLOSED case within the window', async () => {
    const supportCase = await solvedCase();
    expect((await caseAction(t, a.agent, supportCase.id, 'close')).status).toBe(200);
    const res = await rate(a.customer, supportCase.id, { score: 5 });
    expect(res.status).toBe(201);
    expect(res.body.status).toBe('CLOSED');
  });

  it('refuses a rating more than CSAT_WINDOW_DAYS after the latest solving (422)', async () => {
    const supportCase = await solvedCase();
    const solvedAt = (days: number) =>
      t.query(
        `UPDATE support_cases SET solved_at = now() - make_interval(days => $2) WHERE id = $1`,
        [supportCase.id, days],
      );
    await solvedAt(15);
    const late = await rate(a.customer, supportCase.id, { score: 1 });
    expect(late.status).toBe(422);
    expect(late.body.code).toBe('RATING_WINDOW_CLOSED');
    // Thirteen days on, still in time.
    await solvedAt(13);
    expect((await rate(a.customer, supportCase.id, { score: 1 })).status).toBe(201);
  });

  it('replays the answer for a repeated Idempotency-Key', async () => {
    const supportCase = await solvedCase();
    const send = () =>
      t.http
        .post(`/v1/cases/${supportCase.id}/rating`)
        .set('Authorization', a.customer)
        .set('Idempotency-Key', `rate-${supportCase.id}`)
        .send({ score: 3 });
    const first = await send();
    const replay = await send();
    expect(first.status).toBe(201);
    expect(replay.status).toBe(201);
    expect(replay.body).toEqual(first.body);
  });
});
