import type { Client } from 'pg';

/** What Prisma's schema engine creates and diffs: schema.prisma and the migrations must agree. */
export const ENGINE_SECTIONS = [
  'enum',
  'table',
  'column',
  'sequence',
  'index',
  'constraint',
] as const;

/**
 * What migrations may add by hand and schema.prisma cannot express; the engine's diff ignores
 * these (it neither renders nor drops them), so they are listed but are not drift.
 */
export const HAND_WRITTEN_SECTIONS = ['check', 'custom-index', 'trigger', 'function'] as const;

export type CatalogSection =
  (typeof ENGINE_SECTIONS)[number] | (typeof HAND_WRITTEN_SECTIONS)[number];

// Each query returns (section, line); `public.` qualifiers are dropped from definitions.
const QUERIES: Record<CatalogSection, string> = {
  enum: `
    SELECT format('%I (%s)', t.typname, string_agg(e.enumlabel, ', ' ORDER BY e.enumsortorder))
    FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid
    WHERE t.typnamespace = 'public'::regnamespace
    GROUP BY t.typname`,
  table: `
    SELECT format('%I%s', c.relname, CASE c.relkind WHEN 'p' THEN ' partitioned' ELSE '' END)
    FROM pg_class c
    WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p')
      AND c.relname <> '_prisma_migrations'`,
  column: `
    SELECT format('%I.%I %s%s%s%s%s', c.relname, a.attname, format_type(a.atttypid, a.atttypmod),
      CASE WHEN a.attnotnull THEN ' not null' ELSE ' null' END,
      CASE WHEN a.attgenerated = 's' THEN ' generated as ' || pg_get_expr(d.adbin, d.adrelid)
           WHEN d.adbin IS NOT NULL THEN ' default ' || pg_get_expr(d.adbin, d.adrelid) ELSE '' END,
      CASE a.attidentity WHEN 'a' THEN ' identity always' WHEN 'd' THEN ' identity' ELSE '' END,
      CASE WHEN a.attcollation <> t.typcollation THEN ' collate ' || a.attcollation::regcollation
           ELSE '' END)
    FROM pg_attribute a
    JOIN pg_class c ON c.oid = a.attrelid
    JOIN pg_type t ON t.oid = a.atttypid
    LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
    WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p')
      AND c.relname <> '_prisma_migrations' AND a.attnum > 0 AND NOT a.attisdropped`,
  sequence: `
    SELECT format('%I %s start %s increment %s%s', c.relname, format_type(s.seqtypid, NULL),
      s.seqstart, s.seqincrement,
      coalesce(' owned by ' || quote_ident(o.relname) || '.' || quote_ident(a.attname), ''))
    FROM pg_sequence s
    JOIN pg_class c ON c.oid = s.seqrelid
    LEFT JOIN pg_depend dep ON dep.classid = 'pg_class'::regclass AND dep.objid = c.oid
      AND dep.refclassid = 'pg_class'::regclass AND dep.deptype IN ('a', 'i')
    LEFT JOIN pg_class o ON o.oid = dep.refobjid
    LEFT JOIN pg_attribute a ON a.attrelid = dep.refobjid AND a.attnum = dep.refobjsubid
    WHERE c.relnamespace = 'public'::regnamespace`,
  index: `
    SELECT pg_get_indexdef(i.indexrelid)
    FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid
    WHERE t.relnamespace = 'public'::regnamespace AND t.relname <> '_prisma_migrations'
      AND i.indpred IS NULL AND i.indexprs IS NULL`,
  'custom-index': `
    SELECT pg_get_indexdef(i.indexrelid)
    FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid
    WHERE t.relnamespace = 'public'::regnamespace
      AND (i.indpred IS NOT NULL OR i.indexprs IS NOT NULL)`,
  constraint: `
    SELECT format('%I.%I %s%s', t.relname, c.conname, pg_get_constraintdef(c.oid),
      CASE WHEN c.condeferred THEN ' initially deferred' ELSE '' END)
    FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid
    WHERE t.relnamespace = 'public'::regnamespace AND t.relname <> '_prisma_migrations'
      AND c.contype IN ('p', 'f', 'u', 'x')`,
  check: `
    SELECT format('%I.%I %s', t.relname, c.conname, pg_get_constraintdef(c.oid))
    FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid
    WHERE t.relnamespace = 'public'::regnamespace AND c.contype = 'c'`,
  trigger: `
    SELECT pg_get_triggerdef(tg.oid)
    FROM pg_trigger tg JOIN pg_class t ON t.oid = tg.tgrelid
    WHERE t.relnamespace = 'public'::regnamespace AND NOT tg.tgisinternal`,
  // The body is reduced to a hash: enough to see that it changed.
  function: `
    SELECT format('%s(%s) %s md5:%s', p.proname, pg_get_function_identity_arguments(p.oid),
      pg_get_function_result(p.oid), md5(pg_get_functiondef(p.oid)))
    FROM pg_proc p
    WHERE p.pronamespace = 'public'::regnamespace AND p.prokind IN ('f', 'p')
      AND NOT EXISTS (SELECT 1 FROM pg_depend d
                      WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')`,
};

/**
 * The `public` schema as sorted lines `<section> <definition>`, comparable between databases:
 * column order, OIDs and `_prisma_migrations` are left out. NOT NULL constraints appear in
 * `column` lines (PostgreSQL 18 also lists them in pg_constraint; they are skipped there).
 */
export async function catalogSnapshot(
  client: Client,
  sections: readonly CatalogSection[] = [...ENGINE_SECTIONS, ...HAND_WRITTEN_SECTIONS],
): Promise<string[]> {
  const lines: string[] = [];
  for (const section of sections) {
    const { rows } = await client.query<{ line: string }>({
      text: `SELECT line FROM (${QUERIES[section]}) AS q(line)`,
    });
    for (const { line } of rows) lines.push(`${section} ${line.replace(/\bpublic\./g, '')}`);
  }
  return lines.sort();
}
