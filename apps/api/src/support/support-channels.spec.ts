import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_SUPPORT_CHANNELS, loadSupportChannels } from './support-channels';

describe('loadSupportChannels', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'support-channels-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  let n = 0;
  const file = (content: unknown) => {
    const where = path.join(dir, `channels-${n++}.json`);
    writeFileSync(where, typeof content === 'string' ? content : JSON.stringify(content));
    return where;
  };

  it('serves the four default channels when SUPPORT_CHANNELS is unset', () => {
    expect(loadSupportChannels(undefined).list.map((c) => c.id)).toEqual([
      'IN_APP_CHAT',
      'HOTLINE',
      'EMAIL',
      'SOCIAL_MEDIA',
    ]);
  });

  it('overrides only the fields a channel names, and replaces its hours wholesale', () => {
    const { list } = loadSupportChannels(
      file({
        HOTLINE: {
          contact: '+1 555 0100',
          hours: [
            { days: [5, 1, 2, 3, 4], open: '09:00', close: '17:00' },
            { days: [6], open: '22:00', close: '02:00' },
          ],
        },
        SOCIAL_MEDIA: { hours: [] },
      }),
    );
    const hotline = list.find((c) => c.id === 'HOTLINE')!;
    expect(hotline).toEqual({
      ...DEFAULT_SUPPORT_CHANNELS[1],
      contact: '+1 555 0100',
      hours: [
        { days: [1, 2, 3, 4, 5], open: '09:00', close: '17:00' },
        { days: [6], open: '22:00', close: '02:00' },
      ],
    });
    expect(list.find((c) => c.id === 'SOCIAL_MEDIA')!.hours).toEqual([]);
    expect(list.find((c) => c.id === 'EMAIL')).toEqual(DEFAULT_SUPPORT_CHANNELS[2]);
  });

  it.each([
    ['a missing file', null, /cannot read .*missing\.json \(ENOENT\)/],
    ['text that is not JSON', '{"HOTLINE": ', /is not JSON/],
    ['a list instead of an object', [], /must be a JSON object keyed by channel id/],
    ['an unknown channel', { FAX: {} }, /FAX is not a known channel/],
    ['an unknown field', { EMAIL: { phone: 'x' } }, /EMAIL\.phone is not a known field/],
    ['a blank contact', { EMAIL: { contact: ' ' } }, /EMAIL\.contact must be a non-blank string/],
    ['hours that are not a list', { EMAIL: { hours: {} } }, /EMAIL\.hours must be a list/],
    [
      'a weekday out of range',
      { HOTLINE: { hours: [{ days: [0], open: '08:00', close: '22:00' }] } },
      /HOTLINE\.hours\[0\]\.days must list distinct weekdays/,
    ],
    [
      'a malformed time',
      { HOTLINE: { hours: [{ days: [1], open: '8am', close: '22:00' }] } },
      /HOTLINE\.hours\[0\]\.open must be a time HH:mm/,
    ],
    [
      'an empty window',
      { HOTLINE: { hours: [{ days: [1], open: '00:00', close: '00:00' }] } },
      /HOTLINE\.hours\[0\] opens and closes at 00:00/,
    ],
  ])('refuses %s, naming SUPPORT_CHANNELS and the culprit', (_name, content, problem) => {
    const where = content === null ? path.join(dir, 'missing.json') : file(content);
    expect(() => loadSupportChannels(where)).toThrow(/^Invalid configuration: SUPPORT_CHANNELS /);
    expect(() => loadSupportChannels(where)).toThrow(problem);
  });
});
