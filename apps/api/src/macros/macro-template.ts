import * as currencyCodes from 'currency-codes';

/** The placeholders a macro's body may use. */
export const MACRO_PLACEHOLDERS = [
  'customer.id',
  'refund.amount',
  'refund.reviewDueAt',
  'case.id',
] as const;
export type MacroPlaceholder = (typeof MACRO_PLACEHOLDERS)[number];

const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;

/** The placeholders of `body` that are not ours (a typo would reach the customer as typed). */
export function unknownPlaceholders(body: string): string[] {
  return [...body.matchAll(PLACEHOLDER)]
    .map((match) => match[1])
    .filter((name) => !(MACRO_PLACEHOLDERS as readonly string[]).includes(name));
}

export interface MacroFacts {
  caseId: string;
  customerId: string;
  refund: { amount: bigint; currency: string; reviewDueAt: Date | null } | null;
}

/** The body with its placeholders filled in from the case and its refund. */
export function renderMacro(body: string, facts: MacroFacts): string {
  const values: Record<MacroPlaceholder, string> = {
    'customer.id': facts.customerId,
    'case.id': facts.caseId,
    'refund.amount': facts.refund ? formatAmount(facts.refund.amount, facts.refund.currency) : '',
    'refund.reviewDueAt': facts.refund?.reviewDueAt ? formatTime(facts.refund.reviewDueAt) : '',
  };
  return body.replace(PLACEHOLDER, (whole, name: string) =>
    name in values ? values[name as MacroPlaceholder] : whole,
  );
}

/** Minor units as the currency writes them: `IDR 150,000.00`. */
export function formatAmount(minor: bigint, currency: string): string {
  const digits = currencyCodes.code(currency)?.digits ?? 2;
  const scale = 10n ** BigInt(digits);
  const whole = (minor / scale).toLocaleString('en-US');
  const fraction = digits > 0 ? `.${(minor % scale).toString().padStart(digits, '0')}` : '';
  return `${currency} ${whole}${fraction}`;
}

/** A time a customer reads: `2026-12-07 10:00 UTC`. */
export function formatTime(at: Date): string {
  return `${at.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
