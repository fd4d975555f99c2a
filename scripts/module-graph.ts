// The module graph of docs/architecture.md, drawn from the imports between the folders of
// apps/api/src (`npm run docs:generate` redraws it; a test fails when it is out of date).
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

export const API_SOURCE = path.resolve(__dirname, '../apps/api/src');

/** Generated code (the database client) is not a module of ours. */
const LEFT_OUT = new Set(['generated']);
/** The files that list the feature modules: the folders they import are the features. */
const FEATURE_LIST = 'features.ts';

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') ? [full] : [];
  });
}

/** The top-level folder of apps/api/src a file belongs to; `root` for the files beside them. */
function unitOf(srcDir: string, file: string): string {
  const parts = path.relative(srcDir, file).split(path.sep);
  return parts.length > 1 ? parts[0] : 'root';
}

/** The units each file's relative imports (static, dynamic, type-only) reach, by unit. */
function imports(srcDir: string): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const file of sourceFiles(srcDir)) {
    const from = unitOf(srcDir, file);
    if (LEFT_OUT.has(from)) continue;
    const targets = graph.get(from) ?? new Set<string>();
    graph.set(from, targets);
    for (const { fileName } of ts.preProcessFile(readFileSync(file, 'utf8'), true, true)
      .importedFiles) {
      if (!fileName.startsWith('.')) continue;
      const to = unitOf(srcDir, path.resolve(path.dirname(file), fileName));
      if (to !== from && !LEFT_OUT.has(to)) targets.add(to);
    }
  }
  return graph;
}

function node(unit: string): string {
  return unit === 'root' ? 'root["root files"]' : unit;
}

/**
 * The folders as a Mermaid flowchart in two groups: the features (the folders features.ts
 * lists) and the platform (every other folder). Every arrow between two folders is drawn, except
 * that a feature's uses of platform folders are drawn once, as one arrow between the groups, and
 * the root files' imports (they wire every folder together) are left out.
 */
export function renderModuleGraph(srcDir = API_SOURCE): string {
  const graph = imports(srcDir);
  const featureFiles = new Set(
    ts
      .preProcessFile(readFileSync(path.join(srcDir, FEATURE_LIST), 'utf8'), true, true)
      .importedFiles.map(({ fileName }) => unitOf(srcDir, path.resolve(srcDir, fileName))),
  );
  const units = [...graph.keys()].filter((unit) => unit !== 'root').sort();
  const features = units.filter((unit) => featureFiles.has(unit));
  const platform = units.filter((unit) => !featureFiles.has(unit));
  const isFeature = (unit: string): boolean => featureFiles.has(unit);

  const edges: string[] = [];
  let featuresUsePlatform = false;
  for (const from of units) {
    for (const to of [...(graph.get(from) ?? [])].sort()) {
      if (isFeature(from) && !isFeature(to) && to !== 'root') featuresUsePlatform = true;
      else edges.push(`  ${from} --> ${node(to)}`);
    }
  }
  return [
    '```mermaid',
    'flowchart LR',
    '  subgraph features',
    ...features.map((unit) => `    ${unit}`),
    '  end',
    '  subgraph platform',
    ...platform.map((unit) => `    ${unit}`),
    '  end',
    ...edges,
    ...(featuresUsePlatform ? ['  features --> platform'] : []),
    '```',
  ].join('\n');
}
