import { formatAmount, renderMacro, unknownPlaceholders } from './macro-template';

describe('macro templates', () => {
  const facts = {
    caseId: 'c-1',
    customerId: 'cus-1',
    refund: {
      amount: 15_000_050n,
      currency: 'IDR',
      reviewDueAt: new Date('2026-12-07T10:00:00.000Z'),
    },
  };

  it('fills in every placeholder, spaces inside the braces allowed', () => {
    expect(
      renderMacro(
        'Hi {{customer.id}}, {{ refund.amount }} due {{refund.reviewDueAt}} ({{case.id}}).',
        facts,
      ),
    ).toBe('Hi cus-1, IDR 150,000.50 due 2026-12-07 10:00 UTC (c-1).');
  });

  it('leaves a refund placeholder empty when there is no refund or no deadline', () => {
    expect(
      renderMacro('[{{refund.amount}}|{{refund.reviewDueAt}}]', { ...facts, refund: null }),
    ).toBe('[|]');
    expect(
      renderMacro('[{{refund.reviewDueAt}}]', {
        ...facts,
        refund: { ...facts.refund, reviewDueAt: null },
      }),
    ).toBe('[]');
  });

  it('names the placeholders that are not known', () => {
    expect(unknownPlaceholders('{{customer.id}} {{customer.name}} {{ refund.amont }}')).toEqual([
      'customer.name',
      'refund.amont',
    ]);
    expect(unknownPlaceholders('no placeholders, {single} braces')).toEqual([]);
  });

  it('writes amounts in the currency’s minor units', () => {
    expect(formatAmount(123n, 'JPY')).toBe('JPY 123');
    expect(formatAmount(5n, 'USD')).toBe('USD 0.05');
    expect(formatAmount(1_234_567n, 'KWD')).toBe('KWD 1,234.567');
  });
});
