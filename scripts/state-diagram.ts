// `npm run docs:diagram`: redraws the README's refund state diagram from the transition table.
import { readFileSync, writeFileSync } from 'node:fs';
import { withDiagram } from '../apps/api/src/refunds/state-diagram';

const readme = readFileSync('README.md', 'utf8');
const updated = withDiagram(readme);
writeFileSync('README.md', updated);
console.log(updated === readme ? 'README.md diagram is current' : 'README.md diagram redrawn');
