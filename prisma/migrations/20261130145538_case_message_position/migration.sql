-- AlterTable
ALTER TABLE "case_messages" ADD COLUMN     "position" BIGSERIAL NOT NULL;
