import * as currencyCodes from 'currency-codes';

/**
 * ISO 4217 codes a payment can be in, from the maintained `currency-codes` list. Entries the list
 * files under "ZZ" pseudo-countries (testing, "no currency", precious metals, bond-market units)
 * have no minor unit in ISO 4217, so they cannot carry an amount in minor units.
 */
export function isPaymentCurrency(code: string): boolean {
  if (!/^[A-Z]{3}$/.test(code)) return false;
  const entry = currencyCodes.code(code);
  return entry !== undefined && !entry.countries.every((country) => /^zz\d/i.test(country));
}
