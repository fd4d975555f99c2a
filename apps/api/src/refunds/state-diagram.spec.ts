import { readFileSync } from 'node:fs';
import path from 'node:path';
import { renderStateDiagram, withDiagram } from './state-diagram';

describe('the README state diagram', () => {
  it('is the one drawn from the transition table (run `npm run docs:diagram` after changing it)', () => {
    const readme = readFileSync(path.resolve(__dirname, '../../../../README.md'), 'utf8');
    expect(withDiagram(readme)).toBe(readme);
  });

  it('draws every transition of the table, merging actions between the same states', () => {
    const diagram = renderStateDiagram();
    expect(diagram).toContain('[*] --> DRAFT: apply');
    expect(diagram).toContain('SUBMITTED --> APPROVED: approve');
    expect(diagram).toContain('DISPUTED --> CLOSED: withdraw-dispute / resolve-dispute');
    expect(diagram).toContain('APPROVED --> PAYOUT_FAILED: payout');
    expect(diagram).toContain('INFO_REQUESTED --> EXPIRED: expire');
    expect(diagram).toContain('REFUNDED --> [*]');
  });
});
