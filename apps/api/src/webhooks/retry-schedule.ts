/**
 * The wait before the next attempt after `attempt` failed ones: exponential from the base
 * (base, 2×base, 4×base, …) with "equal jitter" (a random point in the upper half), so that
 * receivers coming back from an outage are not hit by every sender at once.
 */
export function retryDelayMs(attempt: number, baseSeconds: number, random = Math.random): number {
  const ceiling = baseSeconds * 1000 * 2 ** Math.min(attempt - 1, 30);
  return ceiling / 2 + (random() * ceiling) / 2;
}

/**
 * When a delivery is tried next after a failed attempt, or null when its retry window (opened by
 * its first attempt) is over and it has failed for good. The last try falls on the window's end.
 */
export function nextAttemptAt(
  failedAttempts: number,
  firstAttemptAt: Date,
  now: Date,
  policy: { baseSeconds: number; retryHours: number },
  random = Math.random,
): Date | null {
  const deadline = firstAttemptAt.getTime() + policy.retryHours * 3_600_000;
  if (now.getTime() >= deadline) return null;
  const next = now.getTime() + retryDelayMs(failedAttempts, policy.baseSeconds, random);
  return new Date(Math.min(next, deadline));
}
