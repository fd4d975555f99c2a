-- AlterTable
ALTER TABLE "refunds" ADD COLUMN     "draft_touched_at" TIMESTAMPTZ(3);

-- A draft's expiry counted from its last change until now.
UPDATE "refunds" SET "draft_touched_at" = "updated_at" WHERE "status" = 'DRAFT';
