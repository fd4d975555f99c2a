import { ACTIONS, TERMINAL_STATUSES, TRANSITIONS } from './refund-transitions';

/**
 * The refund state machine as a Mermaid diagram, drawn from the transition table (docs/api.md
 * shows it; `npm run docs:generate` redraws it there).
 */
export function renderStateDiagram(): string {
  const edges = new Map<string, string[]>();
  for (const action of ACTIONS) {
    const { from, to } = TRANSITIONS[action];
    const sources: readonly string[] = from.length === 0 ? ['[*]'] : from;
    for (const source of sources) {
      for (const target of to) {
        const key = `${source} --> ${target}`;
        edges.set(key, [...(edges.get(key) ?? []), action]);
      }
    }
  }
  const lines = [...edges].map(([edge, actions]) => `  ${edge}: ${actions.join(' / ')}`);
  const ends = TERMINAL_STATUSES.map((status) => `  ${status} --> [*]`);
  return ['```mermaid', 'stateDiagram-v2', ...lines, ...ends, '```'].join('\n');
}
