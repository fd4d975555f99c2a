-- CreateTable
CREATE TABLE "macros" (
    "id" UUID NOT NULL,
    "title" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "internal" BOOLEAN NOT NULL DEFAULT false,
    "created_by_id" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "macros_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "case_presence" (
    "case_id" UUID NOT NULL,
    "agent_id" TEXT NOT NULL,
    "seen_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "case_presence_pkey" PRIMARY KEY ("case_id","agent_id")
);

-- CreateIndex
CREATE INDEX "macros_title_idx" ON "macros"("title");

-- CreateIndex
CREATE INDEX "case_presence_seen_at_idx" ON "case_presence"("seen_at");
