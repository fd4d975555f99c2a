import type { Client } from 'pg';

/** The merchant whose refund list the benchmark walks: every even-numbered refund is theirs. */
export const BIG_MERCHANT = 'mer-big';
/** Payments the write scenarios apply against: large amounts, so they never run out. */
export const POOL_MERCHANT = 'mer-pool';
/** Two payments each: like real customers, each rarely has two requests in flight at once. */
export const POOL_CUSTOMERS = 1_000;
export const POOL_PAYMENTS = 2_000;
export const POOL_AMOUNT = 1_000_000_000_000;

/**
 * Seeds refunds number `from` to `to - 1` with set-based SQL: each has its own payment, a status
 * from a realistic mix with the timestamps and version that status implies, one timeline event
 * and one outbox event per step of its history, and every odd-numbered refund a support case
 * (30% open). Refund `i` belongs to customer `i mod customers` (about five refunds each), and
 * to BIG_MERCHANT when `i` is even, else to one of 199 other merchants. Numbers are spread by a
 * multiplicative hash, so the mix is the same at every size and in every run.
 */
export async function seedRefunds(db: Client, from: number, to: number, customers: number) {
  // One transaction: the running service's scheduler never sees a refund without its timeline.
  await db.query('BEGIN');
  try {
    await insertRefunds(db, from, to, customers);
    await db.query('COMMIT');
  } catch (error) {
    await db.query('ROLLBACK');
    throw error;
  }
  // A database in service has been vacuumed since its rows arrived: without this, autovacuum
  // wakes for the freshly inserted rows in the middle of a measured scenario.
  await db.query('VACUUM (ANALYZE)');
  // And checkpointed them: without this, the seed's gigabyte of WAL sets off a checkpoint that
  // writes its pages out for minutes, through the measured rounds that follow.
  await db.query('CHECKPOINT');
}

async function insertRefunds(db: Client, from: number, to: number, customers: number) {
  // Each status's history: the actions and the statuses they led to (the refund's version is its
  // length). A REJECTED refund's dispute window is still open, so some are disputable.
  await db.query(`
    CREATE TEMP TABLE IF NOT EXISTS bench_paths (status refund_status PRIMARY KEY, actions text[], statuses refund_status[]);
    TRUNCATE bench_paths;
    INSERT INTO bench_paths VALUES
      ('DRAFT',          '{apply}', '{DRAFT}'),
      ('SUBMITTED',      '{apply,submit}', '{DRAFT,SUBMITTED}'),
      ('UNDER_REVIEW',   '{apply,submit,start-review}', '{DRAFT,SUBMITTED,UNDER_REVIEW}'),
      ('INFO_REQUESTED', '{apply,submit,start-review,request-info}', '{DRAFT,SUBMITTED,UNDER_REVIEW,INFO_REQUESTED}'),
      ('APPROVED',       '{apply,submit,start-review,approve}', '{DRAFT,SUBMITTED,UNDER_REVIEW,APPROVED}'),
      ('REJECTED',       '{apply,submit,start-review,reject}', '{DRAFT,SUBMITTED,UNDER_REVIEW,REJECTED}'),
      ('DISPUTED',       '{apply,submit,start-review,reject,dispute}', '{DRAFT,SUBMITTED,UNDER_REVIEW,REJECTED,DISPUTED}'),
      ('PAYOUT_FAILED',  '{apply,submit,start-review,approve,payout}', '{DRAFT,SUBMITTED,UNDER_REVIEW,APPROVED,PAYOUT_FAILED}'),
      ('REFUNDED',       '{apply,submit,start-review,approve,payout}', '{DRAFT,SUBMITTED,UNDER_REVIEW,APPROVED,REFUNDED}'),
      ('CANCELLED',      '{apply,cancel}', '{DRAFT,CANCELLED}'),
      ('CLOSED',         '{apply,submit,start-review,reject,dispute,resolve-dispute}', '{DRAFT,SUBMITTED,UNDER_REVIEW,REJECTED,DISPUTED,CLOSED}'),
      ('EXPIRED',        '{apply,expire}', '{DRAFT,EXPIRED}');
  `);

  await db.query(
    `
    INSERT INTO transactions (id, customer_id, merchant_id, amount, currency, paid_at, created_at)
    SELECT 'TX-' || i, 'cus-' || (i % $3), merchant, amount, 'IDR', paid_at, paid_at
      FROM generate_series($1::int, $2::int - 1) i,
           LATERAL (SELECT CASE WHEN i % 2 = 0 THEN '${BIG_MERCHANT}' ELSE 'mer-' || (i % 199) END AS merchant,
                           10000 + (i::bigint * 48271 % 5000) * 1000 AS amount,
                           now() - interval '1 minute' * (i::bigint * 16807 % 259200) AS paid_at) p`,
    [from, to, customers],
  );

  await db.query(
    `
    INSERT INTO refunds (id, transaction_id, customer_id, merchant_id, amount, requested_amount, currency, reason_code,
                         description, status, version, submitted_at, review_due_at, info_requested_at,
                         decided_at, decision_reason, dispute_deadline_at, payout_reference,
                         payout_failure_reason, refunded_at, review_escalated_for, created_at, updated_at)
    SELECT gen_random_uuid(), t.id, t.customer_id, t.merchant_id, t.amount / (1 + i % 3), t.amount / (1 + i % 3), 'IDR',
           (ARRAY['NOT_RECEIVED','DEFECTIVE_OR_DAMAGED','NOT_AS_DESCRIBED','DUPLICATE_CHARGE',
                  'UNAUTHORIZED_TRANSACTION','CANCELLED_ORDER','OTHER'])[1 + i % 7]::reason_code,
           CASE WHEN i % 3 = 0 THEN 'The parcel never arrived; the courier has no record of it.' END,
           s.status, cardinality(bp.actions),
           CASE WHEN cardinality(bp.actions) > 1 AND s.status NOT IN ('CANCELLED','EXPIRED') THEN c.at + interval '1 hour' END,
           CASE WHEN cardinality(bp.actions) > 1 AND s.status NOT IN ('CANCELLED','EXPIRED') THEN c.at + interval '7 days' END,
           CASE WHEN s.status = 'INFO_REQUESTED' THEN c.at + interval '3 hours' END,
           CASE WHEN 'approve' = ANY(bp.actions) OR 'reject' = ANY(bp.actions) THEN c.at + interval '3 days' END,
           CASE WHEN 'reject' = ANY(bp.actions) THEN 'Delivered according to the courier.' END,
           CASE WHEN 'reject' = ANY(bp.actions) THEN now() + interval '20 days' END,
           CASE WHEN s.status = 'REFUNDED' THEN 'PAY-' || i END,
           CASE WHEN s.status = 'PAYOUT_FAILED' THEN 'Wallet account frozen.' END,
           CASE WHEN s.status = 'REFUNDED' THEN c.at + interval '4 days' END,
           -- Reviews overdue before now were escalated when they fell due.
           CASE WHEN cardinality(bp.actions) > 1 AND c.at + interval '7 days' <= now() THEN c.at + interval '7 days' END,
           c.at, c.at + interval '1 hour' * (cardinality(bp.actions) - 1)
      FROM generate_series($1::int, $2::int - 1) i
      JOIN transactions t ON t.id = 'TX-' || i
      CROSS JOIN LATERAL (SELECT (CASE
          WHEN u < 50 THEN 'DRAFT' WHEN u < 150 THEN 'SUBMITTED' WHEN u < 250 THEN 'UNDER_REVIEW'
          WHEN u < 280 THEN 'INFO_REQUESTED' WHEN u < 330 THEN 'APPROVED' WHEN u < 410 THEN 'REJECTED'
          WHEN u < 440 THEN 'DISPUTED' WHEN u < 450 THEN 'PAYOUT_FAILED' WHEN u < 900 THEN 'REFUNDED'
          WHEN u < 940 THEN 'CANCELLED' WHEN u < 980 THEN 'CLOSED' ELSE 'EXPIRED' END)::refund_status AS status
          FROM (SELECT (i::bigint * 2654435761 % 1000) AS u) h) s
      -- Drafts and open information requests are recent: the scheduler has expired older ones.
      CROSS JOIN LATERAL (SELECT CASE WHEN s.status IN ('DRAFT', 'INFO_REQUESTED')
                                      THEN now() - interval '4 hours' - interval '1 minute' * (i % 14400)
                                      ELSE t.paid_at + interval '1 minute' * (i % 600) END AS at) c
      JOIN bench_paths bp ON bp.status = s.status`,
    [from, to],
  );

  // The timeline and the outbox: one row each per step of the history, an hour apart.
  await db.query(
    `
    WITH steps AS (
      SELECT r.id AS refund_id, r.customer_id, r.merchant_id, r.created_at, step.n, step.action,
             bp.statuses[step.n - 1] AS from_status, bp.statuses[step.n] AS to_status,
             r.created_at + interval '1 hour' * (step.n - 1) AS at
        FROM generate_series($1::int, $2::int - 1) i
        JOIN refunds r ON r.transaction_id = 'TX-' || i
        JOIN bench_paths bp ON bp.status = r.status
        CROSS JOIN LATERAL unnest(bp.actions) WITH ORDINALITY AS step(action, n)),
    timeline AS (
      INSERT INTO refund_events (id, refund_id, sequence, action, from_status, to_status, actor_role, actor_id, created_at)
      SELECT gen_random_uuid(), refund_id, n, action, from_status, to_status,
             CASE WHEN action IN ('apply','submit','cancel','dispute') THEN 'customer'
                  WHEN action IN ('payout') THEN 'system' WHEN action = 'expire' THEN 'service'
                  WHEN action = 'resolve-dispute' THEN 'agent' ELSE 'merchant' END,
             CASE WHEN action IN ('apply','submit','cancel','dispute') THEN customer_id
                  WHEN action = 'payout' THEN 'ledger' WHEN action = 'expire' THEN 'scheduler'
                  WHEN action = 'resolve-dispute' THEN 'agent-1' ELSE merchant_id END,
             at
        FROM steps)
    INSERT INTO events (id, type, refund_id, customer_id, merchant_id, data, created_at)
    SELECT gen_random_uuid(), 'refund.' || action, refund_id, customer_id, merchant_id,
           json_build_object('id', refund_id, 'customerId', customer_id, 'merchantId', merchant_id,
                             'status', to_status, 'version', n),
           at
      FROM steps
     -- A running service has purged its events past the retention (EVENT_RETENTION_DAYS' default):
     -- seeding them would have the purge job deleting them while the scenarios are measured.
     WHERE at > now() - interval '90 days'
     ORDER BY at`,
    [from, to],
  );

  // What the history left behind on the rows: the timeline counter and the payment's hold.
  await db.query(
    `
    WITH seeded AS (
      UPDATE refunds r SET last_event_sequence = array_length(bp.actions, 1)
        FROM bench_paths bp, generate_series($1::int, $2::int - 1) i
       WHERE r.transaction_id = 'TX-' || i AND bp.status = r.status
      RETURNING r.transaction_id, r.amount, r.status)
    UPDATE transactions t SET held_amount = seeded.amount
      FROM seeded
     WHERE t.id = seeded.transaction_id
       AND seeded.status NOT IN ('CANCELLED', 'CLOSED', 'EXPIRED', 'REJECTED')`,
    [from, to],
  );

  // Cases: every odd-numbered refund has one; 30% open, most urgent ones rare.
  await db.query(
    `
    WITH cases AS (
      SELECT gen_random_uuid() AS id, r.id AS refund_id, r.customer_id, r.created_at + interval '5 hours' AS created,
             (ARRAY['REVIEW_OVERDUE','DISPUTE','CUSTOMER_REQUEST','UNAUTHORIZED_TRANSACTION'])[1 + i % 4]::case_reason AS reason,
             (CASE WHEN p < 5 THEN 'URGENT' WHEN p < 30 THEN 'HIGH' WHEN p < 90 THEN 'NORMAL' ELSE 'LOW' END)::case_priority AS priority,
             (CASE WHEN o < 10 THEN 'NEW' WHEN o < 20 THEN 'OPEN' WHEN o < 25 THEN 'PENDING_CUSTOMER'
                   WHEN o < 30 THEN 'ON_HOLD' WHEN o < 60 THEN 'SOLVED' ELSE 'CLOSED' END)::case_status AS status
        FROM generate_series($1::int, $2::int - 1) i
        JOIN refunds r ON r.transaction_id = 'TX-' || i
        CROSS JOIN LATERAL (SELECT i::bigint * 69621 % 100 AS p, i::bigint * 40503 % 100 AS o) h
       WHERE i % 2 = 1),
    inserted AS (
      INSERT INTO support_cases (id, refund_id, customer_id, reason, channel, priority, status, assignee_id,
                                 first_response_due_at, resolution_due_at, due_at, first_responded_at,
                                 solved_at, outcome, created_at, updated_at)
      SELECT id, refund_id, customer_id, reason, 'IN_APP_CHAT', priority,
             -- A case solved longer than CASE_AUTO_CLOSE_DAYS (7) ago has closed by itself.
             CASE WHEN status = 'SOLVED' AND created + interval '8 days' < now()
                  THEN 'CLOSED'::case_status ELSE status END,
             CASE WHEN status <> 'NEW' THEN 'agent-' || (abs(hashtext(id::text)) % 20) END,
             created + interval '4 hours', created + interval '3 days',
             CASE WHEN status = 'NEW' THEN created + interval '4 hours' ELSE created + interval '3 days' END,
             CASE WHEN status <> 'NEW' THEN created + interval '1 hour' END,
             CASE WHEN status IN ('SOLVED','CLOSED') THEN created + interval '1 day' END,
             CASE WHEN status IN ('SOLVED','CLOSED') THEN 'RESOLVED' END,
             created, created
        FROM cases
      RETURNING id, refund_id)
    UPDATE refunds SET case_id = inserted.id FROM inserted WHERE refunds.id = inserted.refund_id`,
    [from, to],
  );
}

/**
 * The payments the write scenarios apply against, owned by POOL_CUSTOMERS customers:
 * `TX-<pool>-<i>` of `cus-<pool>-<i mod POOL_CUSTOMERS>`. The service and the baseline each
 * apply against a pool of their own, so that neither's drafts weigh on the other's customers.
 */
export async function seedPaymentPool(db: Client, pool: string): Promise<void> {
  await db.query(
    `
    INSERT INTO transactions (id, customer_id, merchant_id, amount, currency, paid_at)
    SELECT 'TX-' || $4 || '-' || i, 'cus-' || $4 || '-' || (i % $1), '${POOL_MERCHANT}', $2::bigint, 'IDR', now() - interval '1 day'
      FROM generate_series(0, $3::int - 1) i`,
    [POOL_CUSTOMERS, POOL_AMOUNT, POOL_PAYMENTS, pool],
  );
}
