import { formatDuration } from './format';
import { OPEN_CASE_STATUSES, type SupportCase } from './types';

export interface SlaState {
  text: string;
  breached: boolean;
}

/**
 * The case's next SLA target as a countdown: the first response until an agent has answered
 * publicly, then the resolution. Breached once either passed unmet (or the API says so). While
 * the clock stands still (the case waits on the customer), time stops at the pause.
 */
export function slaState(supportCase: SupportCase, now: number): SlaState {
  const firstDue = Date.parse(supportCase.firstResponseDueAt);
  const resolutionDue = Date.parse(supportCase.resolutionDueAt);
  const responded = supportCase.firstRespondedAt ? Date.parse(supportCase.firstRespondedAt) : null;
  const solved = supportCase.solvedAt ? Date.parse(supportCase.solvedAt) : null;
  const clock = supportCase.slaPausedSince ? Date.parse(supportCase.slaPausedSince) : now;
  const breached =
    supportCase.breached || (responded ?? clock) > firstDue || (solved ?? clock) > resolutionDue;
  if (!OPEN_CASE_STATUSES.includes(supportCase.status)) {
    return { text: breached ? 'Solved late' : 'Solved in time', breached };
  }
  if (supportCase.slaPausedSince) {
    const waitingOn = supportCase.status === 'PENDING_CUSTOMER' ? 'waiting on customer' : 'on hold';
    return { text: `${waitingOn[0].toUpperCase()}${waitingOn.slice(1)} — SLA paused`, breached };
  }
  const [label, due] = responded === null ? ['Response', firstDue] : ['Resolution', resolutionDue];
  if (now > due) return { text: `${label} overdue ${formatDuration(now - due)}`, breached: true };
  return { text: `${label} due in ${formatDuration(due - now)}`, breached };
}
