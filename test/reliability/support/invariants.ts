import { Client } from 'pg';

/**
 * What must hold in the database whatever happened to the service: each a query listing the
 * rows that break it (none, when it holds).
 */
const CHECKS: Record<string, string> = {
  // The refund's status is where its timeline ends.
  'status equals the last event toStatus': `
    SELECT r.id, r.status::text, e.to_status::text AS last_to
      FROM refunds r
      LEFT JOIN LATERAL (SELECT to_status FROM refund_events
                          WHERE refund_id = r.id ORDER BY sequence DESC LIMIT 1) e ON true
     WHERE e.to_status IS DISTINCT FROM r.status`,
  // Every change bumps the version and writes one event; escalate and merchant-response only
  // append to the timeline. So the version counts the other events, no more, no less.
  'version counts the changing events': `
    SELECT r.id, r.version, count(e.id) AS changes
      FROM refunds r
      LEFT JOIN refund_events e
        ON e.refund_id = r.id AND e.action NOT IN ('escalate', 'merchant-response')
     GROUP BY r.id, r.version
    HAVING count(e.id) <> r.version`,
  'timeline sequences are 1..n': `
    SELECT refund_id, count(*), max(sequence)
      FROM refund_events GROUP BY refund_id HAVING count(*) <> max(sequence)`,
  // The outbox: one refund.<action> event per timeline event, and none without one.
  'each timeline event has its outbox event and back': `
    WITH timeline AS (
      SELECT refund_id, 'refund.' || action AS type, count(*) AS n
        FROM refund_events GROUP BY 1, 2),
    outbox AS (
      SELECT refund_id, type, count(*) AS n
        FROM events WHERE type LIKE 'refund.%' GROUP BY 1, 2)
    SELECT coalesce(t.refund_id, o.refund_id) AS refund_id, coalesce(t.type, o.type) AS type,
           t.n AS timeline, o.n AS outbox
      FROM timeline t FULL JOIN outbox o ON o.refund_id = t.refund_id AND o.type = t.type
     WHERE t.n IS DISTINCT FROM o.n`,
  'no over-refund': `
    SELECT t.id, t.amount, sum(r.amount) AS held
      FROM transactions t JOIN refunds r ON r.transaction_id = t.id
     WHERE r.status NOT IN ('CANCELLED', 'CLOSED', 'EXPIRED', 'REJECTED')
     GROUP BY t.id, t.amount
    HAVING sum(r.amount) > t.amount`,
  // A key still "running" once nothing runs would refuse its retries for 24 hours.
  'no idempotency key left in progress': `
    SELECT principal, path, key FROM idempotency_keys WHERE response_status IS NULL`,
};

/** The broken rows of every invariant, by its name: `{}` when all hold. */
export async function brokenInvariants(databaseUrl: string): Promise<Record<string, unknown[]>> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const broken: Record<string, unknown[]> = {};
    for (const [name, sql] of Object.entries(CHECKS)) {
      const { rows } = await client.query(sql);
      if (rows.length > 0) broken[name] = rows.slice(0, 5);
    }
    return broken;
  } finally {
    await client.end();
  }
}

/** Runs one query on the test's database (direct, not through any proxy). */
export async function query<T = Record<string, any>>(
  databaseUrl: string,
  sql: string,
  params: unknown[] = [],
): Promise<T[]> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as T[];
  } finally {
    await client.end();
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(what: string, check: () => Promise<boolean>, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(500);
  }
}

/**
 * Waits for the schedulers of every instance to catch up: each overdue review escalated, then
 * each webhook delivery made (within the given times).
 */
export async function schedulersCaughtUp(
  databaseUrl: string,
  within: { escalationMs: number; deliveryMs: number },
): Promise<void> {
  await until(
    'overdue reviews to be escalated',
    async () =>
      (
        await query(
          databaseUrl,
          `SELECT id FROM refunds WHERE status IN ('SUBMITTED', 'UNDER_REVIEW')
             AND review_escalated_for IS DISTINCT FROM review_due_at`,
        )
      ).length === 0,
    within.escalationMs,
  );
  await until(
    'every delivery to succeed',
    async () =>
      (await query(databaseUrl, `SELECT id FROM webhook_deliveries WHERE status <> 'SUCCEEDED'`))
        .length === 0,
    within.deliveryMs,
  );
}

/** How many timeline events of `action` each refund has. */
export function eventsPerRefund(
  databaseUrl: string,
  action: string,
): Promise<{ refund_id: string; n: number }[]> {
  return query(
    databaseUrl,
    `SELECT refund_id::text, count(*)::int AS n FROM refund_events
      WHERE action = $1 GROUP BY refund_id`,
    [action],
  );
}

/** How many times the receiver acknowledged each event id. */
export function acknowledgements(ids: string[]): Map<string, number> {
  const count = new Map<string, number>();
  for (const id of ids) count.set(id, (count.get(id) ?? 0) + 1);
  return count;
}
