-- AlterTable
ALTER TABLE "scheduled_jobs" ADD COLUMN     "last_succeeded_at" TIMESTAMPTZ(3);

-- CreateIndex
CREATE INDEX "events_created_at_idx" ON "events"("created_at");

-- CreateIndex
CREATE INDEX "webhook_deliveries_event_id_idx" ON "webhook_deliveries"("event_id");

-- The outbox stays append-only, except for the retention purge: a DELETE goes through only in a
-- transaction that has said so (SET LOCAL refund_desk.purge = 'on', as the purge job does), so
-- a stray DELETE is still refused. Updates are always refused.
CREATE FUNCTION events_append_only() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'DELETE' AND current_setting('refund_desk.purge', true) = 'on' THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'events is append-only (% refused)', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER events_append_only ON "events";
CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON "events"
  FOR EACH ROW EXECUTE FUNCTION events_append_only();
