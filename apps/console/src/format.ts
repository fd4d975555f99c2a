import { code as currencyCode } from 'currency-codes';

/**
 * Minor units of an ISO 4217 currency from the same maintained list as the API: the browser's
 * own data differs for some (Chromium formats IDR with none, ISO 4217 gives it two).
 */
function minorDigits(currency: string): number {
  return currencyCode(currency)?.digits ?? 2;
}

/**
 * An amount typed in major units ("12,000" or "12000.50") as minor units, or null when it is not
 * a positive amount with at most the currency's decimals.
 */
export function parseMoney(text: string, currency: string): number | null {
  const digits = minorDigits(currency);
  const match = /^(\d{1,15})(?:\.(\d*))?$/.exec(text.trim().replace(/,/g, ''));
  if (!match || (match[2] ?? '').length > digits) return null;
  const minor = Number(match[1]) * 10 ** digits + Number((match[2] ?? '').padEnd(digits, '0') || 0);
  return Number.isSafeInteger(minor) && minor > 0 ? minor : null;
}

/** An amount in minor units, e.g. 300000 IDR → "IDR 3,000.00". */
export function formatMoney(amount: number, currency: string): string {
  const digits = minorDigits(currency);
  const value = amount / 10 ** digits;
  try {
    return new Intl.NumberFormat('en', {
      style: 'currency',
      currency,
      currencyDisplay: 'code',
      minimumFractionDigits: digits,
      maximumFractionDigits: digits,
    }).format(value);
  } catch {
    return `${currency} ${value.toFixed(digits)}`;
  }
}

/** The agent's time zone (the browser's): every time in the console is shown in it. */
export const AGENT_TIME_ZONE = Intl.DateTimeFormat().resolvedOptions().timeZone;

const dateTime = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
  timeZoneName: 'short',
});

/** One format for every time: "30 Nov 2026, 17:41 GMT+7", in the agent's zone, zone shown. */
export function formatTime(iso: string | null | undefined): string {
  return iso ? dateTime.format(new Date(iso)) : '—';
}

const ISO_INSTANT = /\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?Z\b/g;

/** Text whose raw UTC instants (system messages) read in the same format as the rest. */
export function withLocalTimes(text: string): string {
  return text.replace(ISO_INSTANT, (iso) => formatTime(iso));
}

/** A duration as an agent reads it at a glance: "45 s", "12 min", "3 h 05 min", "2 d 4 h". */
export function formatDuration(ms: number): string {
  const seconds = Math.floor(Math.abs(ms) / 1000);
  const minutes = Math.floor(seconds / 60);
  const hours = Math.floor(minutes / 60);
  const days = Math.floor(hours / 24);
  if (days > 0) return `${days} d ${hours % 24} h`;
  if (hours > 0) return `${hours} h ${String(minutes % 60).padStart(2, '0')} min`;
  if (minutes > 0) return `${minutes} min`;
  return `${seconds} s`;
}

/** "NOT_AS_DESCRIBED" → "Not as described". */
export function humanize(code: string): string {
  const words = code.toLowerCase().replace(/[_-]+/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export function formatBytes(size: number): string {
  if (size < 1024) return `${size} B`;
  if (size < 1024 * 1024) return `${(size / 1024).toFixed(1)} KiB`;
  return `${(size / 1024 / 1024).toFixed(1)} MiB`;
}

export function formatActor(actor: { role: string; id: string }): string {
  return `${actor.id} (${actor.role})`;
}
