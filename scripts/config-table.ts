// The configuration table of docs/operations.md, from the variables loadConfig reads and their
// descriptions beside it (`npm run docs:generate` redraws it; a test fails when it is out of date).
import { CONFIG_VARIABLES, variablesRead } from '../apps/api/src/config/load-config';

/** A Markdown table laid out as Prettier lays it out (columns padded to their widest cell). */
export function markdownTable(header: string[], rows: string[][]): string {
  const cells = [header, ...rows].map((row) => row.map((cell) => cell.replace(/\|/g, '\\|')));
  const widths = header.map((_, column) =>
    Math.max(3, ...cells.map((row) => [...row[column]].length)),
  );
  const line = (row: string[]): string =>
    `| ${row.map((cell, column) => cell.padEnd(widths[column])).join(' | ')} |`;
  const rule = `| ${widths.map((width) => '-'.repeat(width)).join(' | ')} |`;
  return [line(cells[0]), rule, ...cells.slice(1).map(line)].join('\n');
}

/**
 * Every variable loadConfig reads, in the order of CONFIG_VARIABLES. A variable read but not
 * described there (or described but no longer read) stops the generation, naming it.
 */
export function renderConfigTable(): string {
  const read = variablesRead();
  const undescribed = read.filter((name) => !(name in CONFIG_VARIABLES));
  const unread = Object.keys(CONFIG_VARIABLES).filter((name) => !read.includes(name));
  if (undescribed.length > 0 || unread.length > 0) {
    throw new Error(
      [
        undescribed.length > 0 &&
          `loadConfig reads ${undescribed.join(', ')}: describe them in CONFIG_VARIABLES`,
        unread.length > 0 &&
          `CONFIG_VARIABLES describes ${unread.join(', ')}, which loadConfig never reads`,
      ]
        .filter(Boolean)
        .join('; '),
    );
  }
  return markdownTable(
    ['variable', 'default', 'meaning'],
    Object.entries(CONFIG_VARIABLES).map(([name, { default: fallback, meaning }]) => [
      `\`${name}\``,
      fallback,
      meaning,
    ]),
  );
}
