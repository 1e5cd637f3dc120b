-- A job that is re-armed instead of enqueued once: the same dedupe key is set pending and due
-- now again, whatever state it was in. Used for "recompute X" work where a burst of changes
-- must collapse into one run, but a change after a run needs another. A worker still running
-- the job loses its lease token here, so its completion is fenced and rolls back: the run that
-- counts always starts after the change that caused it committed. A definer function, because
-- a partner's transaction (co-editing a shared deal) may cause the work without reading jobs.
CREATE OR REPLACE FUNCTION konsort_rearm_job(p_kind text, p_payload jsonb, p_dedupe_key text) RETURNS void
LANGUAGE sql SECURITY DEFINER SET search_path = public AS $$
  INSERT INTO jobs (id, kind, payload, run_at, max_attempts, dedupe_key)
  VALUES (gen_random_uuid(), p_kind, p_payload, now(), 5, p_dedupe_key)
  ON CONFLICT (dedupe_key) DO UPDATE SET
    status = 'pending', payload = excluded.payload, run_at = excluded.run_at, attempts = 0,
    locked_until = NULL, lease_token = NULL, locked_by = NULL, last_error = NULL,
    completed_at = NULL, updated_at = now()
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION konsort_rearm_job(text, jsonb, text) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION konsort_rearm_job(text, jsonb, text) TO konsort_partner;
--> statement-breakpoint
-- Customer priority reads the account's deals (amount, probability, stage, close date, archive
-- state). Every path that changes a deal (forms, kanban, co-editing, EDI, CSV import, lead and
-- registration conversion, automation) passes here, so the account's recompute is re-armed in
-- the same transaction: once per account and statement, in account order (no lock cycles
-- between two transactions touching the same accounts).
CREATE OR REPLACE FUNCTION konsort_opportunities_priority() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM konsort_rearm_job('automation.priorityRecompute', jsonb_build_object('accountId', a), 'priority-recompute:' || a)
    FROM (SELECT DISTINCT account_id AS a FROM new_rows ORDER BY 1) s;
  ELSIF TG_OP = 'DELETE' THEN
    PERFORM konsort_rearm_job('automation.priorityRecompute', jsonb_build_object('accountId', a), 'priority-recompute:' || a)
    FROM (SELECT DISTINCT account_id AS a FROM old_rows ORDER BY 1) s;
  ELSE
    PERFORM konsort_rearm_job('automation.priorityRecompute', jsonb_build_object('accountId', a), 'priority-recompute:' || a)
    FROM (
      SELECT DISTINCT a FROM (
        SELECT o.account_id AS a FROM old_rows o JOIN new_rows n ON n.id = o.id
        WHERE o.stage IS DISTINCT FROM n.stage OR o.amount_minor IS DISTINCT FROM n.amount_minor
          OR o.probability IS DISTINCT FROM n.probability OR o.closed_at IS DISTINCT FROM n.closed_at
          OR o.archived_at IS DISTINCT FROM n.archived_at OR o.account_id IS DISTINCT FROM n.account_id
        UNION
        SELECT n.account_id FROM old_rows o JOIN new_rows n ON n.id = o.id
        WHERE o.account_id IS DISTINCT FROM n.account_id
      ) changed ORDER BY 1
    ) s;
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER opportunities_priority_insert AFTER INSERT ON opportunities
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION konsort_opportunities_priority();
--> statement-breakpoint
CREATE TRIGGER opportunities_priority_update AFTER UPDATE ON opportunities
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION konsort_opportunities_priority();
--> statement-breakpoint
CREATE TRIGGER opportunities_priority_delete AFTER DELETE ON opportunities
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION konsort_opportunities_priority();
--> statement-breakpoint
-- Follow-up reminders stored before they were sent: schedule the ones still ahead (a reminder
-- long past is not sent on upgrade). The key matches `reminderJobKey` in the API.
INSERT INTO jobs (id, kind, payload, run_at, max_attempts, dedupe_key)
SELECT gen_random_uuid(), 'activity.reminder',
  jsonb_build_object('activityId', id, 'reminderAt', to_char(reminder_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')),
  reminder_at, 10,
  'activity-reminder:' || id || ':' || to_char(reminder_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
FROM activities
WHERE done_at IS NULL AND reminder_at IS NOT NULL AND reminder_at > now()
ON CONFLICT (dedupe_key) DO NOTHING;
