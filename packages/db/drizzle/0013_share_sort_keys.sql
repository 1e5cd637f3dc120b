ALTER TABLE "opportunity_shares" ADD COLUMN "deal_updated_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "opportunity_shares" ADD COLUMN "deal_created_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "opportunity_shares" ADD COLUMN "deal_name" text;--> statement-breakpoint
ALTER TABLE "opportunity_shares" ADD COLUMN "deal_amount_minor" bigint;--> statement-breakpoint
ALTER TABLE "opportunity_shares" ADD COLUMN "deal_close_date" date;--> statement-breakpoint
CREATE INDEX "opportunity_shares_partner_updated_idx" ON "opportunity_shares" USING btree ("partner_org_id","deal_updated_at","opportunity_id");--> statement-breakpoint
CREATE INDEX "opportunity_shares_partner_created_idx" ON "opportunity_shares" USING btree ("partner_org_id","deal_created_at","opportunity_id");--> statement-breakpoint
CREATE INDEX "opportunity_shares_partner_name_idx" ON "opportunity_shares" USING btree ("partner_org_id","deal_name","opportunity_id");--> statement-breakpoint
CREATE INDEX "opportunity_shares_partner_amount_idx" ON "opportunity_shares" USING btree ("partner_org_id","deal_amount_minor","opportunity_id");--> statement-breakpoint
CREATE INDEX "opportunity_shares_partner_close_idx" ON "opportunity_shares" USING btree ("partner_org_id","deal_close_date","opportunity_id");--> statement-breakpoint
-- A partner's deal list is read from its share rows in sort order: the deal's sort keys are
-- copied onto every share row and kept in step by triggers, so the page a partner sees costs
-- the page, not the number of deals shared with it (bench `partner-list`).
UPDATE opportunity_shares s SET
  deal_updated_at = o.updated_at,
  deal_created_at = o.created_at,
  deal_name = o.name,
  deal_amount_minor = o.amount_minor,
  deal_close_date = coalesce(o.expected_close_date, '9999-12-31'::date)
FROM opportunities o WHERE o.id = s.opportunity_id;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION konsort_share_sort_keys_fill() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
BEGIN
  SELECT o.updated_at, o.created_at, o.name, o.amount_minor, coalesce(o.expected_close_date, '9999-12-31'::date)
    INTO NEW.deal_updated_at, NEW.deal_created_at, NEW.deal_name, NEW.deal_amount_minor, NEW.deal_close_date
    FROM opportunities o WHERE o.id = NEW.opportunity_id;
  RETURN NEW;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER opportunity_shares_sort_keys BEFORE INSERT OR UPDATE OF opportunity_id ON opportunity_shares
  FOR EACH ROW EXECUTE FUNCTION konsort_share_sort_keys_fill();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION konsort_share_sort_keys_sync() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
BEGIN
  UPDATE opportunity_shares SET
    deal_updated_at = NEW.updated_at,
    deal_created_at = NEW.created_at,
    deal_name = NEW.name,
    deal_amount_minor = NEW.amount_minor,
    deal_close_date = coalesce(NEW.expected_close_date, '9999-12-31'::date)
  WHERE opportunity_id = NEW.id;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER opportunities_share_sort_keys AFTER UPDATE ON opportunities
  FOR EACH ROW
  WHEN (OLD.updated_at IS DISTINCT FROM NEW.updated_at OR OLD.created_at IS DISTINCT FROM NEW.created_at
        OR OLD.name IS DISTINCT FROM NEW.name OR OLD.amount_minor IS DISTINCT FROM NEW.amount_minor
        OR OLD.expected_close_date IS DISTINCT FROM NEW.expected_close_date)
  EXECUTE FUNCTION konsort_share_sort_keys_sync();
