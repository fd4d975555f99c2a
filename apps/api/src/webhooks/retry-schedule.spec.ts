import { retryDelayMs } from './retry-schedule';

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
});
