/**
 * The wait before the next attempt after `attempt` failed ones: exponential from the base
 * (base, 2×base, 4×base, …) with "equal jitter" (a random point in the upper half), so that
 * receivers coming back from an outage are not hit by every sender at once.
 */
export function retryDelayMs(attempt: number, baseSeconds: number, random = Math.random): number {
  const ceiling = baseSeconds * 1000 * 2 ** Math.min(attempt - 1, 30);
  return ceiling / 2 + (random() * ceiling) / 2;
}
