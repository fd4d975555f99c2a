import type { IncomingHttpHeaders } from 'node:http';
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

/** The text of `key` in `language`, with `{name}` placeholders filled (numbers via Intl). */
export function translate(
  language: Language,
  key: MessageKey,
  params: Record<string, string | number> = {},
): string {
  const numbers = new Intl.NumberFormat(language);
  return CATALOGS[language][key].replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params[name];
    if (value === undefined) return whole;
    return typeof value === 'number' ? numbers.format(value) : value;
  });
}

export function hasKey(key: string): key is MessageKey {
  return Object.prototype.hasOwnProperty.call(en, key);
}
