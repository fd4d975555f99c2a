-- AlterTable
ALTER TABLE "refunds" ADD COLUMN     "last_event_sequence" INTEGER NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "support_cases" ADD COLUMN     "dispute_active" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "last_history_sequence" INTEGER NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "transactions" ADD COLUMN     "held_amount" BIGINT NOT NULL DEFAULT 0;

-- What each payment's refunds hold now (every status but the released ones).
UPDATE "transactions" t
   SET "held_amount" = h.total
  FROM (SELECT "transaction_id", sum("amount") AS total FROM "refunds"
         WHERE "status" NOT IN ('CANCELLED', 'CLOSED', 'EXPIRED', 'REJECTED')
         GROUP BY "transaction_id") h
 WHERE t."id" = h."transaction_id";

ALTER TABLE "transactions" ADD CONSTRAINT "transactions_held_amount_within_amount"
  CHECK ("held_amount" >= 0 AND "held_amount" <= "amount");

UPDATE "refunds" r
   SET "last_event_sequence" = s.last
  FROM (SELECT "refund_id", max("sequence") AS last FROM "refund_events" GROUP BY "refund_id") s
 WHERE r."id" = s."refund_id";

UPDATE "support_cases" c
   SET "last_history_sequence" = s.last
  FROM (SELECT "case_id", max("sequence") AS last FROM "case_history" GROUP BY "case_id") s
 WHERE c."id" = s."case_id";

-- A running dispute's case is the refund's open case.
UPDATE "support_cases" c
   SET "dispute_active" = true
  FROM "refunds" r
 WHERE r."id" = c."refund_id" AND r."status" = 'DISPUTED'
   AND c."status" IN ('NEW', 'OPEN', 'PENDING_CUSTOMER', 'ON_HOLD');
