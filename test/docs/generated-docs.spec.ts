import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ERROR_CODES } from '../../apps/api/src/errors/app-error';
import { EVENT_TYPES } from '../../apps/api/src/events/event-types';
import { GENERATED_BLOCKS, REPOSITORY, withBlock } from '../../scripts/generated-docs';
import { renderModuleGraph } from '../../scripts/module-graph';

const read = (file: string): Promise<string> => readFile(path.join(REPOSITORY, file), 'utf8');

describe('the parts of docs/ drawn from the code', () => {
  it.each(GENERATED_BLOCKS.map((block) => [block.file, block.name, block] as const))(
    '%s: %s is current (run `npm run docs:generate` after changing the code)',
    async (file, name, { render }) => {
      const markdown = await read(file);
      expect(withBlock(markdown, name, render())).toBe(markdown);
    },
  );

  it('names every error code with its HTTP status in docs/api.md', async () => {
    const api = await read('docs/api.md');
    for (const [code, status] of Object.entries(ERROR_CODES)) {
      expect(api).toMatch(new RegExp(`\\| \`${code}\` +\\| ${status} +\\|`));
    }
  });

  it('names every event type in docs/webhooks.md', async () => {
    const webhooks = await read('docs/webhooks.md');
    for (const type of EVENT_TYPES) {
      // `refund.<action>` lists the actions by name; other types are written in full.
      const [kind, ...rest] = type.split('.');
      const name = rest.join('\\.');
      expect(webhooks).toMatch(new RegExp(`\`${kind}\\.${name}\`|\`${name}\``));
    }
  });
});

describe('the module graph', () => {
  let dir: string;
  const source = async (file: string, text: string): Promise<void> => {
    await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
    await writeFile(path.join(dir, file), text);
  };

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'module-graph-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('draws imports between folders, a feature’s uses of the platform as one arrow', async () => {
    await source('features.ts', "import { A } from './orders/orders.module';\nimport './pay/x';");
    await source('orders/orders.service.ts', "import { B } from '../pay/pay.service';");
    await source('orders/dto/order.dto.ts', "import type { C } from '../../db/db';");
    await source('orders/orders.spec.ts', "import { D } from '../testing/fixtures';");
    await source('pay/pay.service.ts', "import { E } from '../main';\nimport x from 'pg';");
    await source('db/db.ts', "const f = () => import('../logs/logger');");
    await source('logs/logger.ts', '');
    await source('main.ts', "import './orders/orders.module';");

    const graph = renderModuleGraph(dir);
    expect(graph).toContain('  subgraph features\n    orders\n    pay\n  end');
    expect(graph).toContain('  subgraph platform\n    db\n    logs\n  end');
    expect(graph).toContain('  orders --> pay');
    expect(graph).toContain('  pay --> root["root files"]');
    expect(graph).toContain('  db --> logs');
    expect(graph).toContain('  features --> platform');
    expect(graph).not.toContain('orders --> db');
    expect(graph).not.toContain('testing');
  });
});
