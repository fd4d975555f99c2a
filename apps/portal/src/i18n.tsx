import { createContext, useContext } from 'react';
import { formatMoney } from './money';
import { CATALOGS, Language, LANGUAGES, TextKey } from './texts';

const LANGUAGE_KEY = 'refund-desk.portal.language';

/** The language chosen on this device before; else the browser's first one we have; else English. */
export function initialLanguage(): Language {
  const saved = localStorage.getItem(LANGUAGE_KEY);
  if (LANGUAGES.includes(saved as Language)) return saved as Language;
  for (const tag of navigator.languages ?? [navigator.language]) {
    const base = tag.toLowerCase().split('-')[0] as Language;
    if (LANGUAGES.includes(base)) return base;
  }
  return 'en';
}

export function saveLanguage(language: Language): void {
  localStorage.setItem(LANGUAGE_KEY, language);
}

/** What every screen needs to speak the customer's language. */
export interface Words {
  language: Language;
  /** BUSINESS_TIMEZONE, as the service's support channels report it. */
  timeZone: string;
  t: (key: TextKey, params?: Record<string, string | number>) => string;
  money: (amount: number, currency: string) => string;
  date: (iso: string) => string;
  dateTime: (iso: string) => string;
  /** "3 business days left", with the language's plural rules. */
  daysLeft: (count: number) => string;
}

export function makeWords(language: Language, timeZone: string): Words {
  const catalog = CATALOGS[language];
  const numbers = new Intl.NumberFormat(language);
  const plural = new Intl.PluralRules(language);
  const t: Words['t'] = (key, params = {}) =>
    catalog[key].replace(/\{(\w+)\}/g, (whole, name: string) => {
      const value = params[name];
      if (value === undefined) return whole;
      return typeof value === 'number' ? numbers.format(value) : value;
    });
  const date = new Intl.DateTimeFormat(language, { dateStyle: 'long', timeZone });
  const dateTime = new Intl.DateTimeFormat(language, {
    dateStyle: 'medium',
    timeStyle: 'short',
    timeZone,
  });
  return {
    language,
    timeZone,
    t,
    money: (amount, currency) => formatMoney(language, amount, currency),
    date: (iso) => date.format(new Date(iso)),
    dateTime: (iso) => dateTime.format(new Date(iso)),
    daysLeft: (count) =>
      count === 0
        ? t('refund.dueToday')
        : t(plural.select(count) === 'one' ? 'refund.daysLeft.one' : 'refund.daysLeft.other', {
            count,
          }),
  };
}

/** The catalog key naming a support channel (`IN_APP_CHAT` → "in-app chat"). */
export function channelKey(id: string): TextKey {
  return `channel.${id}` in CATALOGS.en ? (`channel.${id}` as TextKey) : 'channel.IN_APP_CHAT';
}

export const WordsContext = createContext<Words>(makeWords('en', 'Asia/Jakarta'));

export function useWords(): Words {
  return useContext(WordsContext);
}
