import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';

const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/**
 * axe-core run inside the page: evaluated, not added as a script tag, so the page's strict CSP
 * stays as it is (`@axe-core/playwright` needs Node 22). Fails on a serious or critical violation,
 * naming the rule and the elements.
 */
export async function expectAccessible(page: Page, what: string): Promise<void> {
  await page.evaluate(AXE);
  const violations = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(): Promise<{ violations: any[] }> } }).axe;
    const result = await axe.run();
    return result.violations
      .filter((v: { impact: string }) => v.impact === 'serious' || v.impact === 'critical')
      .map((v: { id: string; nodes: { target: string[] }[] }) => ({
        id: v.id,
        targets: v.nodes.map((node) => node.target.join(' ')),
      }));
  });
  expect({ what, violations }).toEqual({ what, violations: [] });
}
