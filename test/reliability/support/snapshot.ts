import { Client } from 'pg';

/**
 * A fingerprint of every application table (all rows, all columns), to show that a refused
 * request wrote nothing. The app's scheduler must be stopped: its jobs write on their own.
 */
export async function tableFingerprint(db: Client): Promise<() => Promise<Record<string, string>>> {
  const tables = await db.query<{ name: string }>(
    `SELECT table_name AS name FROM information_schema.tables
      WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name NOT LIKE '\\_%'
      ORDER BY table_name`,
  );
  if (tables.rowCount! < 8) throw new Error(`only ${tables.rowCount} tables found`);
  const sql = tables.rows
    .map(
      ({ name }) =>
        `SELECT '${name}' AS name, md5(coalesce(string_agg(t::text, ',' ORDER BY t::text), '')) AS hash FROM "${name}" t`,
    )
    .join(' UNION ALL ');
  return async () => {
    const { rows } = await db.query<{ name: string; hash: string }>(sql);
    return Object.fromEntries(rows.map((row) => [row.name, row.hash]));
  };
}
