import { nextAttemptAt, retryDelayMs } from './retry-schedule';

describe('retry schedule', () => {
  it('doubles from the base, with the jitter in the upper half of each step', () => {
    const low = () => 0;
    const high = () => 1;
    expect([1, 2, 3, 4].map((n) => retryDelayMs(n, 30, low))).toEqual([
      15_000, 30_000, 60_000, 120_000,
    ]);
    expect([1, 2, 3, 4].map((n) => retryDelayMs(n, 30, high))).toEqual([
      30_000, 60_000, 120_000, 240_000,
    ]);
    expect(Number.isFinite(retryDelayMs(5000, 30, high))).toBe(true);
  });

  it('stops at the end of the window, trying once more right at it', () => {
    const first = new Date('2026-11-26T00:00:00Z');
    const policy = { baseSeconds: 30, retryHours: 24 };
    const at = (iso: string, attempts: number) =>
      nextAttemptAt(attempts, first, new Date(iso), policy, () => 1)?.toISOString() ?? null;
    expect(at('2026-11-26T00:00:00Z', 1)).toBe('2026-11-26T00:00:30.000Z');
    expect(at('2026-11-26T23:59:00Z', 12)).toBe('2026-11-27T00:00:00.000Z');
    expect(at('2026-11-27T00:00:00Z', 13)).toBeNull();
  });
});
