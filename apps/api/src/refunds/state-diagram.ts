import { ACTIONS, TERMINAL_STATUSES, TRANSITIONS } from './refund-transitions';

export const DIAGRAM_START = '<!-- state-diagram:start (npm run docs:diagram) -->';
export const DIAGRAM_END = '<!-- state-diagram:end -->';

/** The refund state machine as a Mermaid diagram, drawn from the transition table. */
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

/** The README with its diagram block replaced by the current one. */
export function withDiagram(readme: string): string {
  const start = readme.indexOf(DIAGRAM_START);
  const end = readme.indexOf(DIAGRAM_END);
  if (start < 0 || end < start) throw new Error('README.md lacks the state-diagram markers');
  // Blank lines around the block, as Prettier formats Markdown.
  return `${readme.slice(0, start + DIAGRAM_START.length)}\n\n${renderStateDiagram()}\n\n${readme.slice(end)}`;
}
