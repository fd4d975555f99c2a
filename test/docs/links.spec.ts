import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');
const PAGES = [
  'README.md',
  ...readdirSync(path.join(ROOT, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name}`),
];

/** The text outside fenced code blocks. */
function outsideFences(markdown: string): string {
  let fenced = false;
  return markdown
    .split('\n')
    .filter((line) => {
      if (/^\s*(```|~~~)/.test(line)) {
        fenced = !fenced;
        return false;
      }
      return !fenced;
    })
    .join('\n');
}

/** The text outside code, where links are links. */
const prose = (markdown: string): string => outsideFences(markdown).replace(/`[^`\n]*`/g, '');

/** The anchors GitHub gives a page's headings (lower case, punctuation dropped, `-` for spaces). */
function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const result = new Set<string>();
  for (const [, heading] of outsideFences(markdown)
    .replace(/`/g, '')
    .matchAll(/^#{1,6} +(.+?) *#*$/gm)) {
    const slug = heading
      .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
      .toLowerCase()
      .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
      .replace(/ /g, '-');
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    result.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return result;
}

/** Every inline link and image target of a page. */
function links(markdown: string): string[] {
  return [...prose(markdown).matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map(
    ([, target]) => target,
  );
}

describe.each(PAGES)('the links of %s', (page) => {
  const markdown = readFileSync(path.join(ROOT, page), 'utf8');
  const local = links(markdown).filter((target) => !/^[a-z][a-z0-9+.-]*:/i.test(target));

  it('reach a file of the repository', () => {
    const dead = local
      .map((target) => target.split('#')[0])
      .filter((file) => file !== '')
      .map((file) => path.relative(ROOT, path.resolve(path.dirname(path.join(ROOT, page)), file)))
      .filter((file) => file.startsWith('..') || !existsSync(path.join(ROOT, file)));
    expect(dead).toEqual([]);
  });

  it('name only sections that exist', () => {
    const missing = local
      .filter((target) => target.includes('#'))
      .filter((target) => {
        const [file, anchor] = target.split('#');
        const full = file ? path.resolve(path.dirname(path.join(ROOT, page)), file) : undefined;
        const text = full ? (existsSync(full) ? readFileSync(full, 'utf8') : '') : markdown;
        return !anchors(text).has(decodeURIComponent(anchor));
      });
    expect(missing).toEqual([]);
  });
});

describe('the link checker', () => {
  it('reads links, images and anchors as GitHub does', () => {
    const page = [
      '# Refund desk',
      '## The `payout` action: rules & errors',
      '## Events',
      '## Events',
      'See [the rules](api.md#rules), ![a screenshot](queue.png) and <https://example.com>.',
      '```sh',
      'echo "[not a link](nowhere.md)"',
      '```',
      'And `[not a link](nowhere.md)` either.',
    ].join('\n');
    expect(links(page)).toEqual(['api.md#rules', 'queue.png']);
    expect([...anchors(page)]).toEqual([
      'refund-desk',
      'the-payout-action-rules--errors',
      'events',
      'events-1',
    ]);
  });
});
