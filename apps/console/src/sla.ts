import { formatDuration } from './format';
import { OPEN_CASE_STATUSES, type SupportCase } from './types';

export interface SlaState {
  text: string;
  breached: boolean;
}

/**
 * The case's next SLA target as a countdown: the first response until an agent has answered
 * publicly, then the resolution. Breached once either passed unmet (or the API says so).
 */
export function slaState(supportCase: SupportCase, now: number): SlaState {
  const firstDue = Date.parse(supportCase.firstResponseDueAt);
  const resolutionDue = Date.parse(supportCase.resolutionDueAt);
  const responded = supportCase.firstRespondedAt ? Date.parse(supportCase.firstRespondedAt) : null;
  const solved = supportCase.solvedAt ? Date.parse(supportCase.solvedAt) : null;
  const breached =
    supportCase.breached || (responded ?? now) > firstDue || (solved ?? now) > resolutionDue;
  if (!OPEN_CASE_STATUSES.includes(supportCase.status)) {
    return { text: breached ? 'Solved late' : 'Solved in time', breached };
  }
  const [label, due] = responded === null ? ['Response', firstDue] : ['Resolution', resolutionDue];
  if (now > due) return { text: `${label} overdue ${formatDuration(now - due)}`, breached: true };
  return { text: `${label} due in ${formatDuration(due - now)}`, breached };
}
