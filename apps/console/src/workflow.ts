import { useEffect } from 'react';

const QUEUE_ORDER = 'refund-desk.console.queue-order';
const RECENT_ASSIGNEES = 'refund-desk.console.recent-assignees';

/** The case ids in the order the queue last showed them: "next case" follows it. */
export const queueOrder = {
  write: (ids: string[]): void => sessionStorage.setItem(QUEUE_ORDER, JSON.stringify(ids)),
  /** The case after (or before, `step` −1) `id` in the queue's order, if any. */
  neighbour: (id: string, step: 1 | -1 = 1): string | undefined => {
    let ids: unknown;
    try {
      ids = JSON.parse(sessionStorage.getItem(QUEUE_ORDER) ?? '[]');
    } catch {
      ids = [];
    }
    if (!Array.isArray(ids)) return undefined;
    const at = ids.indexOf(id);
    const next: unknown = at < 0 ? ids[0] : ids[at + step];
    return typeof next === 'string' && next !== id ? next : undefined;
  },
};

/** The agents this agent assigned cases to lately, newest first: suggestions for the next. */
export const recentAssignees = {
  read: (): string[] => {
    try {
      const ids: unknown = JSON.parse(localStorage.getItem(RECENT_ASSIGNEES) ?? '[]');
      return Array.isArray(ids) ? ids.filter((id): id is string => typeof id === 'string') : [];
    } catch {
      return [];
    }
  },
  add: (agentId: string): void => {
    const ids = [agentId, ...recentAssignees.read().filter((id) => id !== agentId)].slice(0, 8);
    localStorage.setItem(RECENT_ASSIGNEES, JSON.stringify(ids));
  },
};

/**
 * Single-key shortcuts, ignored while the agent types in a field or holds a modifier, and while
 * a dialog is open.
 */
export function useShortcuts(keys: Record<string, () => void>): void {
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) return;
      const target = event.target as HTMLElement | null;
      if (target?.closest('input, textarea, select, [contenteditable="true"], dialog')) return;
      if (document.querySelector('dialog[open]')) return;
      const run = keys[event.key];
      if (!run) return;
      event.preventDefault();
      run();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [keys]);
}
