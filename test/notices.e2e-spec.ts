import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Role } from '../apps/api/src/common/principal';
import { SupportService } from '../apps/api/src/support/support.service';
import { startTestApp, TestApp } from './support/app';

const ALL_CHANNELS = ['IN_APP_CHAT', 'HOTLINE', 'EMAIL', 'SOCIAL_MEDIA'];
const MINUTE = 60_000;
const at = (offsetMs: number) => new Date(Date.now() + offsetMs).toISOString();

describe('service notices and status', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'refund-desk-notices-'));
  let t: TestApp;
  let agent: string;
  let support: SupportService;

  beforeAll(async () => {
    // Every channel open all day, so availability depends on notices only, not on the clock.
    const allDay = { hours: [{ days: [1, 2, 3, 4, 5, 6, 7], open: '00:00', close: '24:00' }] };
    const file = path.join(dir, 'channels.json');
    writeFileSync(file, JSON.stringify(Object.fromEntries(ALL_CHANNELS.map((id) => [id, allDay]))));
    t = await startTestApp({ SUPPORT_CHANNELS: file });
    agent = await t.bearer('agent', 'agt-1');
    support = t.app.get(SupportService);
  });
  afterAll(async () => {
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  // Each test starts with no notice in force or upcoming.
  afterEach(async () => {
    const status = await t.http.get('/v1/status');
    for (const notice of [...status.body.currentNotices, ...status.body.upcomingNotices]) {
      await t.http.post(`/v1/notices/${notice.id}/end`).set('Authorization', agent);
    }
  });

  const notice = (overrides: Record<string, unknown> = {}) => ({
    kind: 'MAINTENANCE',
    title: 'Chat maintenance',
    body: 'In-app chat is being upgraded. Please call the hotline meanwhile.',
    startsAt: at(-MINUTE),
    endsAt: at(60 * MINUTE),
    affectedChannels: ['IN_APP_CHAT'],
    ...overrides,
  });

  const publish = async (body: Record<string, unknown>, role: Role = 'agent') =>
    t.http
      .post('/v1/notices')
      .set('Authorization', await t.bearer(role, `${role}-1`))
      .send(body);

  const channel = async (id: string) => {
    const res = await t.http.get('/v1/support/channels');
    expect(res.status).toBe(200);
    return res.body.find((c: { id: string }) => c.id === id);
  };

  it('publishes a notice for an agent: 201 with the notice', async () => {
    const body = notice({ startsAt: '2099-01-01T10:00:00+07:00', endsAt: '2099-01-01T12:00:00Z' });
    const res = await publish(body);
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      kind: 'MAINTENANCE',
      title: body.title,
      body: body.body,
      startsAt: '2099-01-01T03:00:00.000Z',
      endsAt: '2099-01-01T12:00:00.000Z',
      affectedChannels: ['IN_APP_CHAT'],
      status: 'UPCOMING',
      endedEarlyAt: null,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    const fetched = await t.http.get(`/v1/notices/${res.body.id}`);
    expect(fetched.status).toBe(200);
    expect(fetched.body).toEqual(res.body);
  });

  it('makes the channels of a notice in force unavailable, and only those', async () => {
    const { body: published } = await publish(notice());
    expect(published.status).toBe('ACTIVE');

    expect(await channel('IN_APP_CHAT')).toMatchObject({
      available: false,
      unavailableReason: 'NOTICE',
      noticeIds: [published.id],
    });
    expect(await channel('HOTLINE')).toMatchObject({ available: true, noticeIds: [] });
    await expect(support.availableChannelIds()).resolves.toEqual([
      'HOTLINE',
      'EMAIL',
      'SOCIAL_MEDIA',
    ]);
  });

  it('leaves channels available until an upcoming notice starts', async () => {
    const startsAt = new Date(Date.now() + 30 * MINUTE);
    const { body: published } = await publish(
      notice({ startsAt: startsAt.toISOString(), affectedChannels: ['HOTLINE', 'EMAIL'] }),
    );
    expect(published.status).toBe('UPCOMING');
    expect(await channel('HOTLINE')).toMatchObject({ available: true, noticeIds: [] });
    await expect(support.availableChannelIds()).resolves.toEqual(ALL_CHANNELS);
    // Once it has started, they are not.
    const later = new Date(startsAt.getTime() + MINUTE);
    await expect(support.availableChannelIds(later)).resolves.toEqual([
      'IN_APP_CHAT',
      'SOCIAL_MEDIA',
    ]);
  });

  it('restores availability when an agent ends the notice early', async () => {
    const { body: published } = await publish(notice());
    await expect(support.availableChannelIds()).resolves.not.toContain('IN_APP_CHAT');

    const before = Date.now();
    const res = await t.http.post(`/v1/notices/${published.id}/end`).set('Authorization', agent);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id: published.id,
      status: 'ENDED',
      startsAt: published.startsAt,
      endedEarlyAt: res.body.endsAt,
    });
    expect(Date.parse(res.body.endsAt)).toBeGreaterThanOrEqual(before - 1);
    expect(Date.parse(res.body.endsAt)).toBeLessThanOrEqual(Date.now());

    expect(await channel('IN_APP_CHAT')).toMatchObject({ available: true, noticeIds: [] });
    await expect(support.availableChannelIds()).resolves.toEqual(ALL_CHANNELS);
    const status = await t.http.get('/v1/status');
    expect(status.body.currentNotices).toEqual([]);
  });

  it('cancels an upcoming notice when ended early: both its times become now', async () => {
    const { body: published } = await publish(notice({ startsAt: at(30 * MINUTE) }));
    const res = await t.http.post(`/v1/notices/${published.id}/end`).set('Authorization', agent);
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('ENDED');
    expect(res.body.startsAt).toBe(res.body.endsAt);
    const status = await t.http.get('/v1/status');
    expect(status.body.upcomingNotices).toEqual([]);
  });

  it('refuses to end a notice twice (409), and answers 404 for an unknown id', async () => {
    const { body: published } = await publish(notice());
    const end = () => t.http.post(`/v1/notices/${published.id}/end`).set('Authorization', agent);
    expect((await end()).status).toBe(200);
    const again = await end();
    expect(again.status).toBe(409);
    expect(again.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(again.body.code).toBe('INVALID_TRANSITION');

    for (const id of ['00000000-0000-4000-8000-000000000000', 'not-a-uuid']) {
      const missing = await t.http.post(`/v1/notices/${id}/end`).set('Authorization', agent);
      expect(missing.status).toBe(404);
      expect(missing.body.code).toBe('NOT_FOUND');
      expect((await t.http.get(`/v1/notices/${id}`)).status).toBe(404);
    }
  });

  it('lets exactly one of two agents ending a notice together succeed', async () => {
    const { body: published } = await publish(notice());
    const other = await t.bearer('agent', 'agt-2');
    const results = await Promise.all(
      [agent, other].map((auth) =>
        t.http.post(`/v1/notices/${published.id}/end`).set('Authorization', auth),
      ),
    );
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
  });

  it('shows current and upcoming notices and the channels on GET /v1/status, to anyone', async () => {
    const { body: upcoming } = await publish(
      notice({ startsAt: at(30 * MINUTE), endsAt: at(180 * MINUTE) }),
    );
    const { body: current } = await publish(notice({ affectedChannels: ['EMAIL'] }));
    const { body: ended } = await publish(notice({ affectedChannels: ['HOTLINE'] }));
    await t.http.post(`/v1/notices/${ended.id}/end`).set('Authorization', agent);

    const res = await t.http.get('/v1/status');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      status: 'MAINTENANCE',
      at: expect.any(String),
      currentNotices: [{ ...current, status: 'ACTIVE' }],
      upcomingNotices: [{ ...upcoming, status: 'UPCOMING' }],
      channels: expect.any(Array),
    });
    expect(
      res.body.channels.map((c: { id: string; available: boolean }) => [c.id, c.available]),
    ).toEqual([
      ['IN_APP_CHAT', true],
      ['HOTLINE', true],
      ['EMAIL', false],
      ['SOCIAL_MEDIA', true],
    ]);

    // A notice that ends on its own leaves the status too.
    const afterwards = await support.status(new Date(Date.parse(current.endsAt) + 1));
    expect(afterwards.currentNotices.map((n) => n.id)).toEqual([upcoming.id]);
    expect(afterwards.upcomingNotices).toEqual([]);
  });

  it('reports INCIDENT while an incident notice is in force, OPERATIONAL with none', async () => {
    expect((await t.http.get('/v1/status')).body.status).toBe('OPERATIONAL');
    await publish(notice({ kind: 'INCIDENT', affectedChannels: [] }));
    await publish(notice());
    expect((await t.http.get('/v1/status')).body.status).toBe('INCIDENT');
    // A notice naming no channel (say, payouts are slow) leaves every channel up.
    await expect(support.availableChannelIds()).resolves.not.toContain('IN_APP_CHAT');
    expect(await channel('EMAIL')).toMatchObject({ available: true });
  });

  it('defaults the kind to MAINTENANCE', async () => {
    const res = await publish(notice({ kind: undefined }));
    expect(res.status).toBe(201);
    expect(res.body.kind).toBe('MAINTENANCE');
  });

  describe('refusals', () => {
    it('answers 401 without a token', async () => {
      const res = await t.http.post('/v1/notices').send(notice());
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('UNAUTHENTICATED');
      const end = await t.http.post('/v1/notices/00000000-0000-4000-8000-000000000000/end');
      expect(end.status).toBe(401);
    });

    it.each(['customer', 'merchant', 'system'] as const)(
      'answers 403 to a %s, even with an invalid body',
      async (role) => {
        for (const body of [notice(), {}]) {
          const res = await publish(body, role);
          expect(res.status).toBe(403);
          expect(res.body.code).toBe('FORBIDDEN');
        }
        const end = await t.http
          .post('/v1/notices/00000000-0000-4000-8000-000000000000/end')
          .set('Authorization', await t.bearer(role, `${role}-1`));
        expect(end.status).toBe(403);
      },
    );

    it.each([
      ['endsAt before startsAt', { startsAt: at(60 * MINUTE), endsAt: at(30 * MINUTE) }, 'endsAt'],
      ['endsAt equal to startsAt', { startsAt: at(MINUTE), endsAt: at(MINUTE) }, 'endsAt'],
      ['endsAt in the past', { startsAt: at(-60 * MINUTE), endsAt: at(-MINUTE) }, 'endsAt'],
      ['an unknown channel', { affectedChannels: ['IN_APP_CHAT', 'FAX'] }, 'affectedChannels'],
      ['a repeated channel', { affectedChannels: ['EMAIL', 'EMAIL'] }, 'affectedChannels'],
      ['channels not in a list', { affectedChannels: 'EMAIL' }, 'affectedChannels'],
      ['an unknown field', { severity: 'high' }, 'severity'],
      ['an unknown kind', { kind: 'OUTAGE' }, 'kind'],
      ['a blank title', { title: '   ' }, 'title'],
      ['a title too long', { title: 'x'.repeat(121) }, 'title'],
      ['a body too long', { body: 'x'.repeat(4001) }, 'body'],
      ['a missing body', { body: undefined }, 'body'],
      ['a time without an offset', { startsAt: '2099-01-01T10:00:00' }, 'startsAt'],
      ['a date without a time', { endsAt: '2099-01-01' }, 'endsAt'],
      ['an impossible date', { endsAt: '2099-02-30T10:00:00Z' }, 'endsAt'],
      ['a number for a time', { startsAt: 1_700_000_000_000 }, 'startsAt'],
    ])('answers 400 for %s', async (_name, overrides, field) => {
      const res = await publish(notice(overrides));
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    });

    it('accepts the longest title and body', async () => {
      const res = await publish(notice({ title: 'x'.repeat(120), body: 'y'.repeat(4000) }));
      expect(res.status).toBe(201);
    });
  });
});
