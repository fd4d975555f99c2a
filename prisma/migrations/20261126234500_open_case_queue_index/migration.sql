-- The agents' queue of open cases (GET /v1/cases?open=true), in its order: solved and closed
-- cases pile up over the years, and the queue must not read past them.
CREATE INDEX "support_cases_open_queue" ON "support_cases" ("priority", "due_at", "id")
  WHERE "status" IN ('NEW', 'OPEN', 'PENDING_CUSTOMER', 'ON_HOLD');
