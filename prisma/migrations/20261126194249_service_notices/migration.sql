-- CreateEnum
CREATE TYPE "support_channel_id" AS ENUM ('IN_APP_CHAT', 'HOTLINE', 'EMAIL', 'SOCIAL_MEDIA');

-- CreateEnum
CREATE TYPE "notice_kind" AS ENUM ('MAINTENANCE', 'INCIDENT');

-- CreateTable
CREATE TABLE "notices" (
    "id" UUID NOT NULL,
    "kind" "notice_kind" NOT NULL,
    "title" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "starts_at" TIMESTAMPTZ(3) NOT NULL,
    "ends_at" TIMESTAMPTZ(3) NOT NULL,
    "affected_channels" "support_channel_id"[],
    "published_by_id" TEXT NOT NULL,
    "ended_early_at" TIMESTAMPTZ(3),
    "ended_by_id" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "notices_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "notices_ends_at_starts_at_idx" ON "notices"("ends_at", "starts_at");

-- Hand-written (schema.prisma cannot express it): a notice never ends before it starts; ending an
-- upcoming one early makes both times that moment.
ALTER TABLE "notices" ADD CONSTRAINT "notices_period_check" CHECK ("starts_at" <= "ends_at");
