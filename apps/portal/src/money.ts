import { code as currencyCode } from 'currency-codes';
import type { Language } from './texts';

/**
 * ISO 4217 minor units from the same maintained list as the API: the browser's own data differs
 * for some (Chromium formats IDR with none, ISO 4217 gives it two).
 */
export function minorDigits(currency: string): number {
  return currencyCode(currency)?.digits ?? 2;
}

/** Minor units in the language's own format: 15000000 IDR → "Rp 150.000" in id; fractions only when not zero. */
export function formatMoney(language: Language, amount: number, currency: string): string {
  const digits = minorDigits(currency);
  const value = amount / 10 ** digits;
  const whole = Number.isInteger(value);
  try {
    return new Intl.NumberFormat(language, {
      style: 'currency',
      currency,
      minimumFractionDigits: whole ? 0 : digits,
      maximumFractionDigits: whole ? 0 : digits,
    }).format(value);
  } catch {
    return `${currency} ${value.toFixed(whole ? 0 : digits)}`;
  }
}
