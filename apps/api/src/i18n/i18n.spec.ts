import { ReasonCode } from '../generated/kysely/enums';
import { en } from './en';
import { CATALOGS, formatMoney, hasKey, LANGUAGES, negotiateLanguage, translate } from './i18n';

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('the message catalogs', () => {
  it.each(LANGUAGES)('%s has every key of every other catalog, none empty', (language) => {
    const keys = Object.keys(CATALOGS[language]).sort();
    for (const other of LANGUAGES) {
      expect({ [other]: keys }).toEqual({ [other]: Object.keys(CATALOGS[other]).sort() });
    }
    for (const [key, text] of Object.entries(CATALOGS[language])) {
      expect({ key, empty: text.trim() === '' }).toEqual({ key, empty: false });
    }
  });

  it.each(LANGUAGES)('%s fills the same placeholders as English', (language) => {
    for (const [key, text] of Object.entries(en)) {
      const translated = CATALOGS[language][key as keyof typeof en];
      expect({ key, names: placeholders(translated) }).toEqual({ key, names: placeholders(text) });
    }
  });

  it('names every reason code', () => {
    for (const code of Object.values(ReasonCode)) {
      expect([code, hasKey(`reason.${code}`)]).toEqual([code, true]);
    }
  });

  it('formats numbers in placeholders the language’s way', () => {
    expect(translate('en', 'field.evidence.DESCRIPTION', { min: 2000 })).toBe(
      'a description of at least 2,000 characters',
    );
    expect(translate('id', 'field.evidence.DESCRIPTION', { min: 2000 })).toBe(
      'keterangan minimal 2.000 karakter',
    );
  });
});

describe('formatMoney', () => {
  const money = (...args: Parameters<typeof formatMoney>) =>
    formatMoney(...args).replace(/\u00a0/g, ' ');

  it('divides by the ISO 4217 digits and shows a fraction only when it is not zero', () => {
    expect(money('id', { minor: 15_000_000, currency: 'IDR' })).toBe('Rp 150.000');
    expect(money('id', { minor: 15_000_050, currency: 'IDR' })).toBe('Rp 150.000,50');
    expect(money('en', { minor: 1000, currency: 'USD' })).toBe('$10');
    expect(money('en', { minor: 1050, currency: 'USD' })).toBe('$10.50');
    expect(money('zh', { minor: 500, currency: 'JPY' })).toBe('JP¥500');
  });
});

describe('negotiateLanguage', () => {
  const pick = (header?: string) =>
    negotiateLanguage(header === undefined ? {} : { 'accept-language': header });

  it.each([
    [undefined, 'en'],
    ['', 'en'],
    ['*', 'en'],
    ['id', 'id'],
    ['id-ID,id;q=0.9,en;q=0.8', 'id'],
    ['zh', 'zh'],
    ['zh-TW', 'zh'],
    ['zh-Hant-HK', 'zh'],
    ['en;q=0.5, zh-CN;q=0.9', 'zh'],
    ['fr, id;q=0.3, en;q=0.2', 'id'],
    ['en-GB', 'en'],
    ['fr-FR', 'en'],
    ['id;q=0', 'en'],
    ['not a language;;;q=x', 'en'],
  ])('Accept-Language %p answers %s', (header, language) => {
    expect(pick(header)).toBe(language);
  });
});
