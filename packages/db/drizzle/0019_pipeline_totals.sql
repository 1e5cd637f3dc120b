CREATE TABLE "opportunity_pipeline_totals" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"owner_id" uuid NOT NULL,
	"currency" char(3) NOT NULL,
	"stage" "opportunity_stage" NOT NULL,
	"month" date,
	"deals" bigint NOT NULL,
	"amount_minor" numeric NOT NULL,
	"weighted_raw" numeric NOT NULL
);
--> statement-breakpoint
-- Running totals for the reports (decision 019). Staff-only like the reports: no GRANT to
-- konsort_partner, row-level security on with no partner policy. The triggers below are
-- definer functions, because a partner co-editing a shared deal changes its amount or close date.
ALTER TABLE "opportunity_pipeline_totals" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
-- Folds the deltas into one row per key. Never blocks a writer (writers only insert) and never
-- waits for another fold: a fold in progress holds the advisory lock until its transaction
-- ends, and the others skip. Readers see the rows before or after the fold, whose sums agree.
-- Skipped outside READ COMMITTED, where deleting rows another fold deleted would be a
-- serialization error for the writer.
CREATE OR REPLACE FUNCTION konsort_pipeline_totals_compact() RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
BEGIN
  IF current_setting('transaction_isolation') <> 'read committed'
    OR NOT pg_try_advisory_xact_lock(hashtext('konsort_pipeline_totals_compact')) THEN
    RETURN;
  END IF;
  WITH gone AS (
    DELETE FROM opportunity_pipeline_totals
    RETURNING owner_id, currency, stage, month, deals, amount_minor, weighted_raw
  )
  INSERT INTO opportunity_pipeline_totals (owner_id, currency, stage, month, deals, amount_minor, weighted_raw)
  SELECT owner_id, currency, stage, month, sum(deals), sum(amount_minor), sum(weighted_raw)
  FROM gone GROUP BY owner_id, currency, stage, month
  HAVING sum(deals) <> 0 OR sum(amount_minor) <> 0 OR sum(weighted_raw) <> 0
  ORDER BY owner_id, currency, stage, month;
END
$$;
--> statement-breakpoint
-- Recomputes the totals from the deals (the migration's backfill; also the repair, should the
-- time-zone rules for Berlin ever change past months). Writers wait while it runs.
CREATE OR REPLACE FUNCTION konsort_pipeline_totals_rebuild() RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
BEGIN
  LOCK TABLE opportunities IN SHARE MODE;
  DELETE FROM opportunity_pipeline_totals;
  INSERT INTO opportunity_pipeline_totals (owner_id, currency, stage, month, deals, amount_minor, weighted_raw)
  SELECT owner_id, currency, stage,
    CASE WHEN stage = 'won' THEN date_trunc('month', closed_at AT TIME ZONE 'Europe/Berlin')::date
      ELSE date_trunc('month', expected_close_date::timestamp)::date END AS month,
    count(*), sum(amount_minor), sum(amount_minor::numeric * probability)
  FROM opportunities
  WHERE archived_at IS NULL AND stage IN ('lead', 'qualified', 'proposal', 'negotiation', 'won')
  GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4;
END
$$;
--> statement-breakpoint
-- One delta row per key a statement changed: + for the new rows that count, − for the old.
-- An update that moves nothing between keys (a renamed deal) writes nothing.
CREATE OR REPLACE FUNCTION konsort_opportunities_pipeline_totals() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
DECLARE
  n bigint;
  last bigint;
BEGIN
  IF TG_OP = 'TRUNCATE' THEN
    DELETE FROM opportunity_pipeline_totals;
    RETURN NULL;
  END IF;
  IF TG_OP = 'INSERT' THEN
    INSERT INTO opportunity_pipeline_totals (owner_id, currency, stage, month, deals, amount_minor, weighted_raw)
    SELECT owner_id, currency, stage, month, sum(deals), sum(amount_minor), sum(weighted_raw)
    FROM (
      SELECT owner_id, currency, stage,
        CASE WHEN stage = 'won' THEN date_trunc('month', closed_at AT TIME ZONE 'Europe/Berlin')::date
          ELSE date_trunc('month', expected_close_date::timestamp)::date END AS month,
        1 AS deals, amount_minor::numeric AS amount_minor, amount_minor::numeric * probability AS weighted_raw
      FROM new_rows
      WHERE archived_at IS NULL AND stage IN ('lead', 'qualified', 'proposal', 'negotiation', 'won')
    ) d
    GROUP BY owner_id, currency, stage, month ORDER BY owner_id, currency, stage, month;
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO opportunity_pipeline_totals (owner_id, currency, stage, month, deals, amount_minor, weighted_raw)
    SELECT owner_id, currency, stage, month, sum(deals), sum(amount_minor), sum(weighted_raw)
    FROM (
      SELECT owner_id, currency, stage,
        CASE WHEN stage = 'won' THEN date_trunc('month', closed_at AT TIME ZONE 'Europe/Berlin')::date
          ELSE date_trunc('month', expected_close_date::timestamp)::date END AS month,
        -1 AS deals, -amount_minor::numeric AS amount_minor, -(amount_minor::numeric * probability) AS weighted_raw
      FROM old_rows
      WHERE archived_at IS NULL AND stage IN ('lead', 'qualified', 'proposal', 'negotiation', 'won')
    ) d
    GROUP BY owner_id, currency, stage, month ORDER BY owner_id, currency, stage, month;
  ELSE
    INSERT INTO opportunity_pipeline_totals (owner_id, currency, stage, month, deals, amount_minor, weighted_raw)
    SELECT owner_id, currency, stage, month, sum(deals), sum(amount_minor), sum(weighted_raw)
    FROM (
      SELECT owner_id, currency, stage,
        CASE WHEN stage = 'won' THEN date_trunc('month', closed_at AT TIME ZONE 'Europe/Berlin')::date
          ELSE date_trunc('month', expected_close_date::timestamp)::date END AS month,
        -1 AS deals, -amount_minor::numeric AS amount_minor, -(amount_minor::numeric * probability) AS weighted_raw
      FROM old_rows
      WHERE archived_at IS NULL AND stage IN ('lead', 'qualified', 'proposal', 'negotiation', 'won')
      UNION ALL
      SELECT owner_id, currency, stage,
        CASE WHEN stage = 'won' THEN date_trunc('month', closed_at AT TIME ZONE 'Europe/Berlin')::date
          ELSE date_trunc('month', expected_close_date::timestamp)::date END AS month,
        1 AS deals, amount_minor::numeric AS amount_minor, amount_minor::numeric * probability AS weighted_raw
      FROM new_rows
      WHERE archived_at IS NULL AND stage IN ('lead', 'qualified', 'proposal', 'negotiation', 'won')
    ) d
    GROUP BY owner_id, currency, stage, month
    HAVING sum(deals) <> 0 OR sum(amount_minor) <> 0 OR sum(weighted_raw) <> 0
    ORDER BY owner_id, currency, stage, month;
  END IF;
  GET DIAGNOSTICS n = ROW_COUNT;
  -- Fold once about every 1000 delta rows, so a report sums a few thousand rows at most.
  IF n > 0 THEN
    last := currval(pg_get_serial_sequence('opportunity_pipeline_totals', 'id'));
    IF last / 1000 <> (last - n) / 1000 THEN
      PERFORM konsort_pipeline_totals_compact();
    END IF;
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER opportunities_pipeline_totals_insert AFTER INSERT ON opportunities
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION konsort_opportunities_pipeline_totals();
--> statement-breakpoint
CREATE TRIGGER opportunities_pipeline_totals_update AFTER UPDATE ON opportunities
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION konsort_opportunities_pipeline_totals();
--> statement-breakpoint
CREATE TRIGGER opportunities_pipeline_totals_delete AFTER DELETE ON opportunities
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION konsort_opportunities_pipeline_totals();
--> statement-breakpoint
CREATE TRIGGER opportunities_pipeline_totals_truncate AFTER TRUNCATE ON opportunities
  FOR EACH STATEMENT EXECUTE FUNCTION konsort_opportunities_pipeline_totals();
--> statement-breakpoint
SELECT konsort_pipeline_totals_rebuild();
