-- AlterTable
ALTER TABLE "support_cases" ADD COLUMN     "rated_at" TIMESTAMPTZ(3),
ADD COLUMN     "rating_comment" TEXT,
ADD COLUMN     "rating_score" SMALLINT,
ADD COLUMN     "sla_paused_hours" DOUBLE PRECISION NOT NULL DEFAULT 0,
ADD COLUMN     "sla_paused_since" TIMESTAMPTZ(3);

-- A rating is a score of 1 to 5 with its time, or nothing at all.
ALTER TABLE "support_cases" ADD CONSTRAINT "support_cases_rating_check" CHECK (
  ("rating_score" IS NULL AND "rated_at" IS NULL AND "rating_comment" IS NULL)
  OR ("rating_score" BETWEEN 1 AND 5 AND "rated_at" IS NOT NULL)
);
