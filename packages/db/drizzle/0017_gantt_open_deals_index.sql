-- The Gantt report pages open deals by (expected_close_date, id). With only the date in the
-- key the planner walked the all-deals close-date index and skipped every closed deal on the
-- way (120 ms at 100k deals); with the id as second key column the open-deals index serves the
-- order directly. The pipeline and forecast aggregates still read it index-only.
DROP INDEX IF EXISTS "opportunities_open_pipeline_idx";
--> statement-breakpoint
CREATE INDEX "opportunities_open_pipeline_idx" ON "opportunities" USING btree ("expected_close_date", "id") INCLUDE ("owner_id", "stage", "currency", "amount_minor", "probability") WHERE "archived_at" IS NULL AND "stage" IN ('lead', 'qualified', 'proposal', 'negotiation');
