-- CreateEnum
CREATE TYPE "refund_status" AS ENUM ('DRAFT', 'SUBMITTED', 'UNDER_REVIEW', 'INFO_REQUESTED', 'APPROVED', 'REJECTED', 'DISPUTED', 'PAYOUT_FAILED', 'REFUNDED', 'CANCELLED', 'CLOSED', 'EXPIRED');

-- CreateEnum
CREATE TYPE "reason_code" AS ENUM ('NOT_RECEIVED', 'DEFECTIVE_OR_DAMAGED', 'NOT_AS_DESCRIBED', 'DUPLICATE_CHARGE', 'UNAUTHORIZED_TRANSACTION', 'CANCELLED_ORDER', 'OTHER');

-- CreateEnum
CREATE TYPE "attachment_kind" AS ENUM ('RECEIPT', 'PHOTO', 'NEGOTIATION_RECORD', 'OTHER');

-- CreateTable
CREATE TABLE "transactions" (
    "id" TEXT NOT NULL,
    "customer_id" TEXT NOT NULL,
    "merchant_id" TEXT NOT NULL,
    "amount" BIGINT NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "paid_at" TIMESTAMPTZ(3) NOT NULL,
    "description" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "transactions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "refunds" (
    "id" UUID NOT NULL,
    "transaction_id" TEXT NOT NULL,
    "customer_id" TEXT NOT NULL,
    "merchant_id" TEXT NOT NULL,
    "amount" BIGINT NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "reason_code" "reason_code" NOT NULL,
    "description" TEXT,
    "status" "refund_status" NOT NULL DEFAULT 'DRAFT',
    "version" INTEGER NOT NULL DEFAULT 1,
    "submitted_at" TIMESTAMPTZ(3),
    "review_due_at" TIMESTAMPTZ(3),
    "info_requested_at" TIMESTAMPTZ(3),
    "decided_at" TIMESTAMPTZ(3),
    "decision_reason" TEXT,
    "dispute_deadline_at" TIMESTAMPTZ(3),
    "merchant_response_due_at" TIMESTAMPTZ(3),
    "payout_reference" TEXT,
    "payout_failure_reason" TEXT,
    "refunded_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "refunds_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "refund_events" (
    "id" UUID NOT NULL,
    "refund_id" UUID NOT NULL,
    "sequence" INTEGER NOT NULL,
    "action" TEXT NOT NULL,
    "from_status" "refund_status",
    "to_status" "refund_status",
    "actor_role" TEXT NOT NULL,
    "actor_id" TEXT NOT NULL,
    "note" TEXT,
    "details" JSONB,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "refund_events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "attachments" (
    "id" UUID NOT NULL,
    "refund_id" UUID NOT NULL,
    "kind" "attachment_kind" NOT NULL,
    "file_name" TEXT NOT NULL,
    "content_type" TEXT NOT NULL,
    "size" INTEGER NOT NULL,
    "sha256" CHAR(64) NOT NULL,
    "content" BYTEA NOT NULL,
    "uploaded_by_role" TEXT NOT NULL,
    "uploaded_by_id" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "attachments_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "idempotency_keys" (
    "principal" TEXT NOT NULL,
    "method" TEXT NOT NULL,
    "path" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "fingerprint" CHAR(64) NOT NULL,
    "response_status" INTEGER,
    "response_body" JSONB,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "idempotency_keys_pkey" PRIMARY KEY ("principal","method","path","key")
);

-- CreateIndex
CREATE INDEX "transactions_customer_id_created_at_id_idx" ON "transactions"("customer_id", "created_at" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "transactions_merchant_id_created_at_id_idx" ON "transactions"("merchant_id", "created_at" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "transactions_created_at_id_idx" ON "transactions"("created_at" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "refunds_transaction_id_idx" ON "refunds"("transaction_id");

-- CreateIndex
CREATE INDEX "refunds_customer_id_created_at_id_idx" ON "refunds"("customer_id", "created_at" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "refunds_merchant_id_created_at_id_idx" ON "refunds"("merchant_id", "created_at" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "refunds_created_at_id_idx" ON "refunds"("created_at" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "refunds_status_review_due_at_idx" ON "refunds"("status", "review_due_at");

-- CreateIndex
CREATE UNIQUE INDEX "refund_events_refund_id_sequence_key" ON "refund_events"("refund_id", "sequence");

-- CreateIndex
CREATE INDEX "attachments_refund_id_created_at_idx" ON "attachments"("refund_id", "created_at");

-- CreateIndex
CREATE INDEX "idempotency_keys_expires_at_idx" ON "idempotency_keys"("expires_at");

-- AddForeignKey
ALTER TABLE "refunds" ADD CONSTRAINT "refunds_transaction_id_fkey" FOREIGN KEY ("transaction_id") REFERENCES "transactions"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "refund_events" ADD CONSTRAINT "refund_events_refund_id_fkey" FOREIGN KEY ("refund_id") REFERENCES "refunds"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "attachments" ADD CONSTRAINT "attachments_refund_id_fkey" FOREIGN KEY ("refund_id") REFERENCES "refunds"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- Money is positive; a refund's version only grows from 1.
ALTER TABLE "transactions" ADD CONSTRAINT "transactions_amount_positive" CHECK ("amount" > 0);
ALTER TABLE "refunds" ADD CONSTRAINT "refunds_amount_positive" CHECK ("amount" > 0);
ALTER TABLE "refunds" ADD CONSTRAINT "refunds_version_positive" CHECK ("version" >= 1);

-- The timeline is append-only: the database itself refuses to change or remove an event.
CREATE FUNCTION refund_events_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'refund_events is append-only (% refused)', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER refund_events_append_only
  BEFORE UPDATE OR DELETE ON "refund_events"
  FOR EACH ROW EXECUTE FUNCTION refund_events_append_only();

CREATE TRIGGER refund_events_no_truncate
  BEFORE TRUNCATE ON "refund_events"
  FOR EACH STATEMENT EXECUTE FUNCTION refund_events_append_only();
