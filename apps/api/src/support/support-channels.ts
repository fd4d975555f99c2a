import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../config/load-config';
import { SupportChannelId } from '../generated/kysely/enums';
import { ALL_DAYS, isCloseTime, isOpenTime, OpeningHours } from './opening-hours';

export { SupportChannelId };

/** In the order the channels are listed. */
export const SUPPORT_CHANNEL_IDS = Object.values(SupportChannelId);

export interface SupportChannel {
  id: SupportChannelId;
  name: string;
  /** Where to reach it: a phone number, an address, a handle or where to find it in the app. */
  contact: string;
  /** Empty: never open. */
  hours: OpeningHours[];
  expectedResponseTime: string;
}

/** The channels as configured at start-up (the defaults, overridden by SUPPORT_CHANNELS). */
export class SupportChannels {
  constructor(readonly list: readonly SupportChannel[]) {}
}

// Placeholder contacts: a deployment sets its own through SUPPORT_CHANNELS.
export const DEFAULT_SUPPORT_CHANNELS: readonly SupportChannel[] = [
  {
    id: 'IN_APP_CHAT',
    name: 'In-app chat',
    contact: 'In the app: Profile → Help centre → Chat with us',
    hours: [{ days: ALL_DAYS, open: '00:00', close: '24:00' }],
    expectedResponseTime: 'within 5 minutes',
  },
  {
    id: 'HOTLINE',
    name: 'Hotline',
    contact: '+62 21 5000 0000',
    hours: [{ days: ALL_DAYS, open: '08:00', close: '22:00' }],
    expectedResponseTime: 'answered live, usually within 10 minutes',
  },
  {
    id: 'EMAIL',
    name: 'E-mail',
    contact: 'support@refund-desk.example',
    hours: [{ days: ALL_DAYS, open: '00:00', close: '24:00' }],
    expectedResponseTime: 'within 1–2 business days',
  },
  {
    id: 'SOCIAL_MEDIA',
    name: 'Social media',
    contact: '@refunddesk (direct message on X, Facebook or Instagram)',
    hours: [{ days: ALL_DAYS, open: '09:00', close: '21:00' }],
    expectedResponseTime: 'within 2 hours',
  },
];

const TEXT_FIELDS = ['name', 'contact', 'expectedResponseTime'] as const;
const CHANNEL_FIELDS: readonly string[] = [...TEXT_FIELDS, 'hours'];
const HOURS_FIELDS: readonly string[] = ['days', 'open', 'close'];
const MAX_TEXT = 200;
const MAX_WINDOWS = 28;

class ShapeError extends Error {}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function onlyKnownKeys(
  value: Record<string, unknown>,
  known: readonly string[],
  at: string,
  what = 'field',
) {
  const unknown = Object.keys(value).find((key) => !known.includes(key));
  if (unknown !== undefined) {
    throw new ShapeError(`${at}${unknown} is not a known ${what} (known: ${known.join(', ')})`);
  }
}

function text(value: unknown, at: string): string {
  if (typeof value !== 'string' || value.trim() === '' || value.length > MAX_TEXT) {
    throw new ShapeError(`${at} must be a non-blank string of at most ${MAX_TEXT} characters`);
  }
  return value;
}

function openingHours(value: unknown, at: string): OpeningHours {
  if (!isObject(value)) throw new ShapeError(`${at} must be an object {days, open, close}`);
  onlyKnownKeys(value, HOURS_FIELDS, `${at}.`);
  const { days, open, close } = value;
  if (
    !Array.isArray(days) ||
    days.length === 0 ||
    !days.every((day) => Number.isInteger(day) && (day as number) >= 1 && (day as number) <= 7) ||
    new Set(days).size !== days.length
  ) {
    throw new ShapeError(`${at}.days must list distinct weekdays 1 (Monday) to 7 (Sunday)`);
  }
  if (typeof open !== 'string' || !isOpenTime(open)) {
    throw new ShapeError(`${at}.open must be a time HH:mm from 00:00 to 23:59`);
  }
  if (typeof close !== 'string' || !isCloseTime(close)) {
    throw new ShapeError(`${at}.close must be a time HH:mm from 00:00 to 24:00`);
  }
  if (open === close) {
    throw new ShapeError(
      `${at} opens and closes at ${open}: use 00:00-24:00 for all day, or no window for never`,
    );
  }
  return { days: [...(days as number[])].sort((a, b) => a - b), open, close };
}

function channelOverride(base: SupportChannel, value: unknown): SupportChannel {
  const at = base.id;
  if (!isObject(value)) throw new ShapeError(`${at} must be an object`);
  onlyKnownKeys(value, CHANNEL_FIELDS, `${at}.`);
  const channel = { ...base };
  for (const field of TEXT_FIELDS) {
    if (value[field] !== undefined) channel[field] = text(value[field], `${at}.${field}`);
  }
  if (value.hours !== undefined) {
    if (!Array.isArray(value.hours) || value.hours.length > MAX_WINDOWS) {
      throw new ShapeError(`${at}.hours must be a list of at most ${MAX_WINDOWS} windows`);
    }
    channel.hours = value.hours.map((window, i) => openingHours(window, `${at}.hours[${i}]`));
  }
  return channel;
}

/** Applies the overrides of a SUPPORT_CHANNELS document (already parsed) to the defaults. */
function applyChannelOverrides(document: unknown): SupportChannel[] {
  if (!isObject(document)) {
    throw new ShapeError('must be a JSON object keyed by channel id');
  }
  onlyKnownKeys(document, SUPPORT_CHANNEL_IDS, '', 'channel');
  return DEFAULT_SUPPORT_CHANNELS.map((channel) =>
    document[channel.id] === undefined ? channel : channelOverride(channel, document[channel.id]),
  );
}

/** The channels to serve: the defaults, overridden by the file SUPPORT_CHANNELS names, if any. */
export function loadSupportChannels(file: string | undefined): SupportChannels {
  if (!file) return new SupportChannels(DEFAULT_SUPPORT_CHANNELS);
  const where = path.resolve(file);
  let raw: string;
  try {
    raw = readFileSync(where, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new ConfigError('SUPPORT_CHANNELS', `cannot read ${where} (${code})`);
  }
  let document: unknown;
  try {
    document = JSON.parse(raw);
  } catch (error) {
    throw new ConfigError('SUPPORT_CHANNELS', `${where} is not JSON: ${(error as Error).message}`);
  }
  try {
    return new SupportChannels(applyChannelOverrides(document));
  } catch (error) {
    if (error instanceof ShapeError) {
      throw new ConfigError('SUPPORT_CHANNELS', `${where}: ${error.message}`);
    }
    throw error;
  }
}
