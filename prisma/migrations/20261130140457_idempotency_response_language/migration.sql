-- AlterTable
ALTER TABLE "idempotency_keys" ADD COLUMN     "response_language" TEXT;
