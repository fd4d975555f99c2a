import { formatMoney } from '../apps/portal/src/money';

// Intl puts no-break spaces in money; compared here as plain spaces.
const money = (...args: Parameters<typeof formatMoney>) =>
  formatMoney(...args).replace(/\u00a0|\u202f/g, ' ');

describe("the portal's money", () => {
  it('divides minor units by the ISO 4217 digits and formats them the language’s way', () => {
    expect(money('id', 15_000_000, 'IDR')).toBe('Rp 150.000');
    expect(money('en', 15_000_000, 'IDR')).toBe('IDR 150,000');
    expect(money('zh', 15_000_000, 'IDR')).toBe('IDR 150,000');
    expect(money('en', 1_000, 'JPY')).toBe('¥1,000');
  });

  it('shows the fraction only when it is not zero', () => {
    expect(money('id', 15_000_050, 'IDR')).toBe('Rp 150.000,50');
    expect(money('en', 1050, 'USD')).toBe('$10.50');
    expect(money('en', 1000, 'USD')).toBe('$10');
    expect(money('en', 1234, 'KWD')).toBe('KWD 1.234');
  });
});
