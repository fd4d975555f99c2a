import type { IncomingHttpHeaders } from 'node:http';
import { code as currencyCode } from 'currency-codes';
import Negotiator from 'negotiator';
import { en, MessageKey } from './en';
import { id } from './id';
import { zh } from './zh';

export type { MessageKey } from './en';

/** The languages the service answers in; English is the default and the fallback. */
export const LANGUAGES = ['en', 'id', 'zh'] as const;
export type Language = (typeof LANGUAGES)[number];
export const DEFAULT_LANGUAGE: Language = 'en';

export const CATALOGS: Record<Language, Record<MessageKey, string>> = { en, id, zh };

/**
 * The language to answer in, from `Accept-Language` and its q-values (negotiator: `zh-TW`
 * matches `zh`). Nothing acceptable, or no header, answers English: never 406.
 */
export function negotiateLanguage(headers: IncomingHttpHeaders): Language {
  const header = headers['accept-language'];
  // No header means any language, and English is the one preferred.
  if (header === undefined || header.trim() === '') return DEFAULT_LANGUAGE;
  const [best] = new Negotiator({ headers }).languages([...LANGUAGES]);
  return (best as Language | undefined) ?? DEFAULT_LANGUAGE;
}

/** An amount in a currency's ISO 4217 minor units. */
export interface Money {
  minor: number;
  currency: string;
}

export type MessageParams = Record<string, string | number | Money>;

/**
 * Money in the language's own format: minor units / 10^(ISO 4217 digits), fractions only when
 * not zero (15000000 IDR: "Rp 150.000" in id, "IDR 150,000" in en).
 */
export function formatMoney(language: Language, { minor, currency }: Money): string {
  const digits = currencyCode(currency)?.digits ?? 2;
  const value = minor / 10 ** digits;
  const fraction = Number.isInteger(value) ? 0 : digits;
  return new Intl.NumberFormat(language, {
    style: 'currency',
    currency,
    minimumFractionDigits: fraction,
    maximumFractionDigits: fraction,
  }).format(value);
}

/** The text of `key` in `language`, with `{name}` placeholders filled (numbers and money via Intl). */
export function translate(language: Language, key: MessageKey, params: MessageParams = {}): string {
  const numbers = new Intl.NumberFormat(language);
  return CATALOGS[language][key].replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params[name];
    if (value === undefined) return whole;
    if (typeof value === 'object') return formatMoney(language, value);
    return typeof value === 'number' ? numbers.format(value) : value;
  });
}

export function hasKey(key: string): key is MessageKey {
  return Object.prototype.hasOwnProperty.call(en, key);
}
