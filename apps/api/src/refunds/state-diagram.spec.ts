import { renderStateDiagram } from './state-diagram';

describe('the refund state diagram', () => {
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
