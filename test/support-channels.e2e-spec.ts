import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SupportService } from '../apps/api/src/support/support.service';
import { startTestApp, TestApp } from './support/app';

const ALL_DAYS = [1, 2, 3, 4, 5, 6, 7];
const dir = mkdtempSync(path.join(os.tmpdir(), 'refund-desk-channels-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function channelsFile(name: string, content: unknown): string {
  const file = path.join(dir, name);
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

describe('GET /v1/support/channels with the default channels', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('lists the four channels of the article to anyone, without a token', async () => {
    const res = await t.http.get('/v1/support/channels');
    expect(res.status).toBe(200);
    expect(res.body.map((c: { id: string }) => c.id)).toEqual([
      'IN_APP_CHAT',
      'HOTLINE',
      'EMAIL',
      'SOCIAL_MEDIA',
    ]);
    for (const channel of res.body) {
      expect(channel).toEqual({
        id: expect.any(String),
        name: expect.any(String),
        contact: expect.any(String),
        timeZone: 'Asia/Jakarta',
        hours: expect.any(Array),
        expectedResponseTime: expect.any(String),
        available: expect.any(Boolean),
        unavailableReason: channel.available ? null : 'OUTSIDE_HOURS',
        noticeIds: [],
      });
    }
    const [chat, hotline, email, social] = res.body;
    expect(chat).toMatchObject({
      hours: [{ days: ALL_DAYS, open: '00:00', close: '24:00' }],
      expectedResponseTime: 'within 5 minutes',
      available: true,
    });
    expect(hotline.hours).toEqual([{ days: ALL_DAYS, open: '08:00', close: '22:00' }]);
    expect(email).toMatchObject({
      contact: expect.stringContaining('@'),
      expectedResponseTime: 'within 1–2 business days',
      available: true,
    });
    expect(social.hours).toEqual([{ days: ALL_DAYS, open: '09:00', close: '21:00' }]);
  });

  it('answers the same to a caller with a token', async () => {
    const res = await t.http
      .get('/v1/support/channels')
      .set('Authorization', await t.bearer('customer', 'cus-1'));
    expect(res.status).toBe(200);
    expect(res.body).toHaveLength(4);
  });

  it('documents the support, status and notice endpoints in OpenAPI', async () => {
    const { body: doc } = await t.http.get('/docs-json');
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/v1/support/channels',
        '/v1/status',
        '/v1/notices',
        '/v1/notices/{id}',
        '/v1/notices/{id}/end',
      ]),
    );
    expect(doc.paths['/v1/notices'].post.responses).toHaveProperty('403');
    expect(doc.components.schemas.SupportChannelDto.required).toContain('available');
  });

  it.each([
    // 2025-03-03 is a Monday; Jakarta is UTC+7.
    ['07:30', '2025-03-03T00:30:00Z', ['IN_APP_CHAT', 'EMAIL']],
    ['08:30', '2025-03-03T01:30:00Z', ['IN_APP_CHAT', 'HOTLINE', 'EMAIL']],
    ['09:30', '2025-03-03T02:30:00Z', ['IN_APP_CHAT', 'HOTLINE', 'EMAIL', 'SOCIAL_MEDIA']],
    ['21:30', '2025-03-03T14:30:00Z', ['IN_APP_CHAT', 'HOTLINE', 'EMAIL']],
    ['22:30', '2025-03-03T15:30:00Z', ['IN_APP_CHAT', 'EMAIL']],
  ])('at %s in Jakarta (%s) the channels up are %j', async (_local, at, expected) => {
    await expect(t.app.get(SupportService).availableChannelIds(new Date(at))).resolves.toEqual(
      expected,
    );
  });
});

describe('SUPPORT_CHANNELS overrides the default channels', () => {
  let t: TestApp;
  beforeAll(async () => {
    const file = channelsFile('override.json', {
      IN_APP_CHAT: { hours: [] },
      HOTLINE: {
        contact: '+1 555 0100',
        expectedResponseTime: 'at once',
        hours: [{ days: ALL_DAYS, open: '00:00', close: '24:00' }],
      },
    });
    t = await startTestApp({ SUPPORT_CHANNELS: file, BUSINESS_TIMEZONE: 'Europe/London' });
  });
  afterAll(() => t.close());

  it('serves the overridden fields and keeps the defaults of the rest', async () => {
    const res = await t.http.get('/v1/support/channels');
    expect(res.status).toBe(200);
    const [chat, hotline, email] = res.body;
    expect(chat).toMatchObject({
      id: 'IN_APP_CHAT',
      name: 'In-app chat',
      hours: [],
      timeZone: 'Europe/London',
      available: false,
      unavailableReason: 'OUTSIDE_HOURS',
    });
    expect(hotline).toMatchObject({
      id: 'HOTLINE',
      name: 'Hotline',
      contact: '+1 555 0100',
      expectedResponseTime: 'at once',
      hours: [{ days: ALL_DAYS, open: '00:00', close: '24:00' }],
      available: true,
      unavailableReason: null,
    });
    expect(email).toMatchObject({ id: 'EMAIL', contact: 'support@refund-desk.example' });
  });

  it('reads the default hours in BUSINESS_TIMEZONE', async () => {
    // Social media opens 09:00-21:00: 08:30 UTC is 08:30 in London in winter.
    const support = t.app.get(SupportService);
    await expect(support.availableChannelIds(new Date('2025-01-06T08:30:00Z'))).resolves.toEqual([
      'HOTLINE',
      'EMAIL',
    ]);
    await expect(support.availableChannelIds(new Date('2025-01-06T09:30:00Z'))).resolves.toEqual([
      'HOTLINE',
      'EMAIL',
      'SOCIAL_MEDIA',
    ]);
  });
});

describe('a bad SUPPORT_CHANNELS file', () => {
  it('stops start-up with a message naming SUPPORT_CHANNELS and the problem', async () => {
    const file = channelsFile('bad.json', {
      HOTLINE: { hours: [{ days: [1], open: '25:00', close: '26:00' }] },
    });
    await expect(startTestApp({ SUPPORT_CHANNELS: file })).rejects.toThrow(
      /^Invalid configuration: SUPPORT_CHANNELS .*bad\.json: HOTLINE\.hours\[0\]\.open must be a time HH:mm/,
    );
  });
});
