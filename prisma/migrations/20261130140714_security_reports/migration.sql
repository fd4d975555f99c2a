-- CreateEnum
CREATE TYPE "security_report_status" AS ENUM ('OPEN', 'RESOLVED');

-- AlterEnum
ALTER TYPE "case_reason" ADD VALUE 'ACCOUNT_COMPROMISED';

-- DropIndex
DROP INDEX "webhook_deliveries_endpoint_id_refund_id_event_position_idx";

-- AlterTable
ALTER TABLE "events" ALTER COLUMN "refund_id" DROP NOT NULL,
ALTER COLUMN "merchant_id" DROP NOT NULL;

-- AlterTable
ALTER TABLE "refunds" ADD COLUMN     "security_report_id" UUID;

-- AlterTable
ALTER TABLE "support_cases" ADD COLUMN     "security_report_id" UUID,
ALTER COLUMN "refund_id" DROP NOT NULL;

-- AlterTable
-- Deliveries are ordered per key: the refund's id, or `customer:<id>` for a customer's events
-- that belong to no refund. Existing deliveries keep their refund's order.
ALTER TABLE "webhook_deliveries" ADD COLUMN     "ordering_key" TEXT;
UPDATE "webhook_deliveries" SET "ordering_key" = "refund_id"::text;
ALTER TABLE "webhook_deliveries" ALTER COLUMN "ordering_key" SET NOT NULL,
DROP COLUMN "refund_id";

-- CreateTable
CREATE TABLE "security_reports" (
    "id" UUID NOT NULL,
    "customer_id" TEXT NOT NULL,
    "status" "security_report_status" NOT NULL DEFAULT 'OPEN',
    "description" TEXT NOT NULL,
    "channel" TEXT NOT NULL,
    "transaction_ids" TEXT[],
    "reported_by_role" TEXT NOT NULL,
    "reported_by_id" TEXT NOT NULL,
    "case_id" UUID,
    "hold_placed_at" TIMESTAMPTZ(3) NOT NULL,
    "hold_released_at" TIMESTAMPTZ(3),
    "released_by_id" TEXT,
    "release_note" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "security_reports_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "payout_holds" (
    "customer_id" TEXT NOT NULL,
    "security_report_id" UUID NOT NULL,
    "placed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "payout_holds_pkey" PRIMARY KEY ("customer_id")
);

-- CreateIndex
CREATE INDEX "security_reports_customer_id_created_at_id_idx" ON "security_reports"("customer_id", "created_at" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "security_reports_created_at_id_idx" ON "security_reports"("created_at" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "payout_holds_security_report_id_idx" ON "payout_holds"("security_report_id");

-- CreateIndex
CREATE INDEX "refunds_security_report_id_idx" ON "refunds"("security_report_id");

-- CreateIndex
CREATE INDEX "support_cases_security_report_id_idx" ON "support_cases"("security_report_id");

-- CreateIndex
CREATE INDEX "webhook_deliveries_endpoint_id_ordering_key_event_position_idx" ON "webhook_deliveries"("endpoint_id", "ordering_key", "event_position");

-- AddForeignKey
ALTER TABLE "refunds" ADD CONSTRAINT "refunds_security_report_id_fkey" FOREIGN KEY ("security_report_id") REFERENCES "security_reports"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "support_cases" ADD CONSTRAINT "support_cases_security_report_id_fkey" FOREIGN KEY ("security_report_id") REFERENCES "security_reports"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "payout_holds" ADD CONSTRAINT "payout_holds_security_report_id_fkey" FOREIGN KEY ("security_report_id") REFERENCES "security_reports"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- A case is about one refund or one security report, never both, never neither.
ALTER TABLE "support_cases" ADD CONSTRAINT "support_cases_one_subject"
  CHECK (num_nonnulls("refund_id", "security_report_id") = 1);

-- A customer has at most one OPEN report: a second one filed meanwhile joins it.
CREATE UNIQUE INDEX "security_reports_one_open_per_customer" ON "security_reports" ("customer_id")
  WHERE "status" = 'OPEN';

-- An event that belongs to a refund names its merchant too.
ALTER TABLE "events" ADD CONSTRAINT "events_refund_has_merchant"
  CHECK ("refund_id" IS NULL OR "merchant_id" IS NOT NULL);
