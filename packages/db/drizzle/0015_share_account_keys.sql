ALTER TABLE "opportunity_shares" ADD COLUMN "deal_account_id" uuid;--> statement-breakpoint
ALTER TABLE "opportunity_shares" ADD COLUMN "deal_contact_id" uuid;--> statement-breakpoint
CREATE INDEX "opportunity_shares_partner_account_idx" ON "opportunity_shares" USING btree ("partner_org_id","deal_account_id");--> statement-breakpoint
CREATE INDEX "opportunity_shares_partner_contact_idx" ON "opportunity_shares" USING btree ("partner_org_id","deal_contact_id");--> statement-breakpoint
-- Partners reach an account or contact through a shared deal. The policies probe the share
-- rows directly (account and contact copied onto them by the triggers of 0013) instead of
-- joining deals, whose own row-level check would run again inside: the partner deal list
-- spent most of its time there (bench `partner-list`).
UPDATE opportunity_shares s SET deal_account_id = o.account_id, deal_contact_id = o.primary_contact_id
FROM opportunities o WHERE o.id = s.opportunity_id;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION konsort_share_sort_keys_fill() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
BEGIN
  SELECT o.updated_at, o.created_at, o.name, o.amount_minor, coalesce(o.expected_close_date, '9999-12-31'::date),
         o.account_id, o.primary_contact_id
    INTO NEW.deal_updated_at, NEW.deal_created_at, NEW.deal_name, NEW.deal_amount_minor, NEW.deal_close_date,
         NEW.deal_account_id, NEW.deal_contact_id
    FROM opportunities o WHERE o.id = NEW.opportunity_id;
  RETURN NEW;
END;
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION konsort_share_sort_keys_sync() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
BEGIN
  UPDATE opportunity_shares SET
    deal_updated_at = NEW.updated_at,
    deal_created_at = NEW.created_at,
    deal_name = NEW.name,
    deal_amount_minor = NEW.amount_minor,
    deal_close_date = coalesce(NEW.expected_close_date, '9999-12-31'::date),
    deal_account_id = NEW.account_id,
    deal_contact_id = NEW.primary_contact_id
  WHERE opportunity_id = NEW.id;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
DROP TRIGGER opportunities_share_sort_keys ON opportunities;
--> statement-breakpoint
CREATE TRIGGER opportunities_share_sort_keys AFTER UPDATE ON opportunities
  FOR EACH ROW
  WHEN (OLD.updated_at IS DISTINCT FROM NEW.updated_at OR OLD.created_at IS DISTINCT FROM NEW.created_at
        OR OLD.name IS DISTINCT FROM NEW.name OR OLD.amount_minor IS DISTINCT FROM NEW.amount_minor
        OR OLD.expected_close_date IS DISTINCT FROM NEW.expected_close_date
        OR OLD.account_id IS DISTINCT FROM NEW.account_id
        OR OLD.primary_contact_id IS DISTINCT FROM NEW.primary_contact_id)
  EXECUTE FUNCTION konsort_share_sort_keys_sync();
--> statement-breakpoint
DROP POLICY accounts_partner ON accounts;
--> statement-breakpoint
CREATE POLICY accounts_partner ON accounts FOR SELECT TO konsort_partner
  USING (EXISTS (SELECT 1 FROM opportunity_shares s WHERE s.deal_account_id = accounts.id AND s.partner_org_id = konsort_partner_org()));
--> statement-breakpoint
DROP POLICY contacts_partner ON contacts;
--> statement-breakpoint
CREATE POLICY contacts_partner ON contacts FOR SELECT TO konsort_partner
  USING (EXISTS (SELECT 1 FROM opportunity_shares s WHERE s.deal_contact_id = contacts.id AND s.partner_org_id = konsort_partner_org()));
