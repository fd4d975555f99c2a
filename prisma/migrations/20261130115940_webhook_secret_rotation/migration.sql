-- AlterTable
ALTER TABLE "webhook_endpoints" ADD COLUMN     "previous_secret" TEXT,
ADD COLUMN     "secret_rotated_at" TIMESTAMPTZ(3);
