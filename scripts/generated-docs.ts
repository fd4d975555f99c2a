// `npm run docs:generate`: redraws the parts of docs/ drawn from the code. A test
// (test/docs/generated-docs.spec.ts) fails when one of them is out of date.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { renderStateDiagram } from '../apps/api/src/refunds/state-diagram';
import { renderConfigTable } from './config-table';
import { renderModuleGraph } from './module-graph';

export const REPOSITORY = path.resolve(__dirname, '..');

/** Each block lies in its file between `<!-- name:start … -->` and `<!-- name:end -->`. */
export const GENERATED_BLOCKS = [
  { file: 'docs/api.md', name: 'state-diagram', render: renderStateDiagram },
  { file: 'docs/architecture.md', name: 'module-graph', render: () => renderModuleGraph() },
  { file: 'docs/operations.md', name: 'config-table', render: renderConfigTable },
];

/** `markdown` with the block `name` replaced by `content`. */
export function withBlock(markdown: string, name: string, content: string): string {
  const startMarker = `<!-- ${name}:start (npm run docs:generate) -->`;
  const endMarker = `<!-- ${name}:end -->`;
  const start = markdown.indexOf(startMarker);
  const end = markdown.indexOf(endMarker);
  if (start < 0 || end < start) throw new Error(`no ${startMarker} … ${endMarker} markers`);
  // Blank lines around the block, as Prettier formats Markdown.
  return `${markdown.slice(0, start + startMarker.length)}\n\n${content}\n\n${markdown.slice(end)}`;
}

if (require.main === module) {
  for (const { file, name, render } of GENERATED_BLOCKS) {
    const full = path.join(REPOSITORY, file);
    const before = readFileSync(full, 'utf8');
    const after = withBlock(before, name, render());
    writeFileSync(full, after);
    console.log(`${file} ${name}: ${after === before ? 'current' : 'redrawn'}`);
  }
}
