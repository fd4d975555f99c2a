import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { TEST_SECRET } from '../support/app';
import { createTestDatabase, TestDatabase } from '../support/database';
import { ServiceProcess, startService } from '../support/service-process';

const ROOT = path.resolve(__dirname, '../..');

/**
 * The README's worked example, run as written (its `sh` block, in bash) against the service
 * started as a process: only the address changes, to the free port the service listens on.
 */
describe("the README's worked example", () => {
  let db: TestDatabase;
  let service: ServiceProcess;
  beforeAll(async () => {
    db = await createTestDatabase();
    service = await startService(db);
  }, 120_000);
  afterAll(async () => {
    await service?.stop();
    await db?.drop();
  });

  it('ends with the refund REFUNDED and four events in its timeline', async () => {
    const readme = await readFile(path.join(ROOT, 'README.md'), 'utf8');
    const example = /## A worked example[\s\S]*?```sh\n([\s\S]*?)```/.exec(readme)?.[1];
    if (!example) throw new Error('README.md has no worked example in a sh block');
    expect(example).toContain('API=http://localhost:3000');
    const script = example.replace('API=http://localhost:3000', `API=${service.url}`);
    const { stdout } = await promisify(execFile)('bash', ['-euo', 'pipefail', '-c', script], {
      cwd: ROOT,
      // `npm run token` signs with the secret the service checks.
      env: { ...process.env, AUTH_JWT_SECRET: TEST_SECRET },
      timeout: 90_000,
    });
    // curl prints each answer without a newline; the last two are the refund and its timeline.
    const answers = jsonValues(stdout);
    const refund = answers.at(-2) as Record<string, unknown>;
    const timeline = answers.at(-1) as { action: string }[];
    expect(refund).toMatchObject({ status: 'REFUNDED', amount: 15000000, currency: 'IDR' });
    expect(timeline.map((event) => event.action)).toEqual(['apply', 'submit', 'approve', 'payout']);
  }, 120_000);
});

/** The JSON values printed one after the other (`{…}{…}[…]`), each parsed. */
function jsonValues(text: string): unknown[] {
  const values: unknown[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (inString) {
      if (char === '\\') i++;
      else if (char === '"') inString = false;
    } else if (char === '"') {
      inString = true;
    } else if (char === '{' || char === '[') {
      if (depth++ === 0) start = i;
    } else if ((char === '}' || char === ']') && --depth === 0) {
      values.push(JSON.parse(text.slice(start, i + 1)));
    }
  }
  return values;
}
