-- CreateEnum
CREATE TYPE "case_reason" AS ENUM ('REVIEW_OVERDUE', 'DISPUTE', 'CUSTOMER_REQUEST', 'UNAUTHORIZED_TRANSACTION');

-- CreateEnum
CREATE TYPE "case_priority" AS ENUM ('URGENT', 'HIGH', 'NORMAL', 'LOW');

-- CreateEnum
CREATE TYPE "case_status" AS ENUM ('NEW', 'OPEN', 'PENDING_CUSTOMER', 'ON_HOLD', 'SOLVED', 'CLOSED');

-- AlterTable
ALTER TABLE "refunds" ADD COLUMN     "case_id" UUID,
ADD COLUMN     "review_escalated_for" TIMESTAMPTZ(3);

-- CreateTable
CREATE TABLE "support_cases" (
    "id" UUID NOT NULL,
    "refund_id" UUID NOT NULL,
    "customer_id" TEXT NOT NULL,
    "reason" "case_reason" NOT NULL,
    "channel" TEXT NOT NULL,
    "priority" "case_priority" NOT NULL,
    "status" "case_status" NOT NULL DEFAULT 'NEW',
    "assignee_id" TEXT,
    "first_response_due_at" TIMESTAMPTZ(3) NOT NULL,
    "resolution_due_at" TIMESTAMPTZ(3) NOT NULL,
    "due_at" TIMESTAMPTZ(3) NOT NULL,
    "first_responded_at" TIMESTAMPTZ(3),
    "solved_at" TIMESTAMPTZ(3),
    "outcome" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "support_cases_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "case_messages" (
    "id" UUID NOT NULL,
    "case_id" UUID NOT NULL,
    "author_role" TEXT NOT NULL,
    "author_id" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "internal" BOOLEAN NOT NULL DEFAULT false,
    "details" JSONB,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "case_messages_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "case_history" (
    "id" UUID NOT NULL,
    "case_id" UUID NOT NULL,
    "sequence" INTEGER NOT NULL,
    "change" TEXT NOT NULL,
    "actor_role" TEXT NOT NULL,
    "actor_id" TEXT NOT NULL,
    "details" JSONB,
    "internal" BOOLEAN NOT NULL DEFAULT false,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "case_history_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "support_cases_priority_due_at_id_idx" ON "support_cases"("priority", "due_at", "id");

-- CreateIndex
CREATE INDEX "support_cases_refund_id_idx" ON "support_cases"("refund_id");

-- CreateIndex
CREATE INDEX "support_cases_customer_id_idx" ON "support_cases"("customer_id");

-- CreateIndex
CREATE INDEX "case_messages_case_id_created_at_idx" ON "case_messages"("case_id", "created_at");

-- CreateIndex
CREATE UNIQUE INDEX "case_history_case_id_sequence_key" ON "case_history"("case_id", "sequence");

-- AddForeignKey
ALTER TABLE "refunds" ADD CONSTRAINT "refunds_case_id_fkey" FOREIGN KEY ("case_id") REFERENCES "support_cases"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "support_cases" ADD CONSTRAINT "support_cases_refund_id_fkey" FOREIGN KEY ("refund_id") REFERENCES "refunds"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "case_messages" ADD CONSTRAINT "case_messages_case_id_fkey" FOREIGN KEY ("case_id") REFERENCES "support_cases"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "case_history" ADD CONSTRAINT "case_history_case_id_fkey" FOREIGN KEY ("case_id") REFERENCES "support_cases"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- At most one open case per refund, whatever races the application loses.
CREATE UNIQUE INDEX "support_cases_one_open_per_refund" ON "support_cases" ("refund_id")
  WHERE "status" IN ('NEW', 'OPEN', 'PENDING_CUSTOMER', 'ON_HOLD');

-- A case's conversation and history are append-only.
CREATE FUNCTION append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION '% is append-only (% refused)', TG_TABLE_NAME, TG_OP
    USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER case_messages_append_only BEFORE UPDATE OR DELETE ON "case_messages"
  FOR EACH ROW EXECUTE FUNCTION append_only();
CREATE TRIGGER case_history_append_only BEFORE UPDATE OR DELETE ON "case_history"
  FOR EACH ROW EXECUTE FUNCTION append_only();
