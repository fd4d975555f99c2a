-- CreateEnum
CREATE TYPE "offer_status" AS ENUM ('OPEN', 'ACCEPTED', 'DECLINED', 'EXPIRED', 'WITHDRAWN');

-- AlterTable
ALTER TABLE "refunds" ADD COLUMN     "offer_amount" BIGINT,
ADD COLUMN     "offer_by_id" TEXT,
ADD COLUMN     "offer_by_role" TEXT,
ADD COLUMN     "offer_expires_at" TIMESTAMPTZ(3),
ADD COLUMN     "offer_made_at" TIMESTAMPTZ(3),
ADD COLUMN     "offer_message" TEXT,
ADD COLUMN     "offer_status" "offer_status",
ADD COLUMN     "requested_amount" BIGINT;

-- Every refund so far asked for what it holds.
UPDATE "refunds" SET "requested_amount" = "amount";
ALTER TABLE "refunds" ALTER COLUMN "requested_amount" SET NOT NULL;

-- An accepted offer only ever lowers the amount; an offer is all there or not at all.
ALTER TABLE "refunds" ADD CONSTRAINT "refunds_amount_within_requested"
  CHECK ("amount" <= "requested_amount");
ALTER TABLE "refunds" ADD CONSTRAINT "refunds_offer_complete"
  CHECK (num_nulls("offer_amount", "offer_message", "offer_by_role", "offer_by_id",
                   "offer_made_at", "offer_expires_at", "offer_status") IN (0, 7));
ALTER TABLE "refunds" ADD CONSTRAINT "refunds_offer_amount_positive"
  CHECK ("offer_amount" > 0 AND "offer_amount" < "requested_amount");

-- The expiry scan reads only the open offers.
CREATE INDEX "refunds_open_offer_expiry" ON "refunds" ("offer_expires_at")
  WHERE "offer_status" = 'OPEN';
