-- Row-level security: the second wall behind the policy module. Partner requests run as the
-- role konsort_partner with the organisation in `konsort.partner_org_id` (SET LOCAL in the
-- request's transaction); even a query that forgot the policy scope sees only shared rows.
-- Staff requests run as the owner role, which RLS does not restrict (tables are not FORCEd).
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'konsort_partner') THEN
    CREATE ROLE konsort_partner NOLOGIN;
  END IF;
END
$$;
--> statement-breakpoint
GRANT konsort_partner TO CURRENT_USER;
--> statement-breakpoint
GRANT USAGE ON SCHEMA public TO konsort_partner;
--> statement-breakpoint
GRANT SELECT ON opportunities, accounts, contacts, opportunity_shares, opportunity_stage_history, partner_orgs TO konsort_partner;
--> statement-breakpoint
GRANT UPDATE (amount_minor, expected_close_date, description, version, updated_at) ON opportunities TO konsort_partner;
--> statement-breakpoint
GRANT INSERT ON opportunity_stage_history, audit_log TO konsort_partner;
--> statement-breakpoint
GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO konsort_partner;
--> statement-breakpoint
-- Partners read colleagues' and owners' names, never password hashes.
GRANT SELECT (id, email, name, role, partner_org_id, locale, active) ON users TO konsort_partner;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION konsort_partner_org() RETURNS uuid
LANGUAGE sql STABLE AS $$
  SELECT nullif(current_setting('konsort.partner_org_id', true), '')::uuid
$$;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION konsort_partner_org() TO konsort_partner;
--> statement-breakpoint
ALTER TABLE opportunity_shares ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY opportunity_shares_partner ON opportunity_shares FOR SELECT TO konsort_partner
  USING (partner_org_id = konsort_partner_org());
--> statement-breakpoint
ALTER TABLE opportunities ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY opportunities_partner_read ON opportunities FOR SELECT TO konsort_partner
  USING (EXISTS (SELECT 1 FROM opportunity_shares s WHERE s.opportunity_id = opportunities.id AND s.partner_org_id = konsort_partner_org()));
--> statement-breakpoint
CREATE POLICY opportunities_partner_edit ON opportunities FOR UPDATE TO konsort_partner
  USING (EXISTS (SELECT 1 FROM opportunity_shares s WHERE s.opportunity_id = opportunities.id AND s.partner_org_id = konsort_partner_org() AND s.access = 'edit'));
--> statement-breakpoint
ALTER TABLE accounts ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY accounts_partner ON accounts FOR SELECT TO konsort_partner
  USING (EXISTS (SELECT 1 FROM opportunities o JOIN opportunity_shares s ON s.opportunity_id = o.id
                 WHERE o.account_id = accounts.id AND s.partner_org_id = konsort_partner_org()));
--> statement-breakpoint
ALTER TABLE contacts ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY contacts_partner ON contacts FOR SELECT TO konsort_partner
  USING (EXISTS (SELECT 1 FROM opportunities o JOIN opportunity_shares s ON s.opportunity_id = o.id
                 WHERE o.primary_contact_id = contacts.id AND s.partner_org_id = konsort_partner_org()));
--> statement-breakpoint
ALTER TABLE opportunity_stage_history ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY stage_history_partner ON opportunity_stage_history FOR ALL TO konsort_partner
  USING (EXISTS (SELECT 1 FROM opportunity_shares s WHERE s.opportunity_id = opportunity_stage_history.opportunity_id AND s.partner_org_id = konsort_partner_org()));
--> statement-breakpoint
ALTER TABLE partner_orgs ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY partner_orgs_own ON partner_orgs FOR SELECT TO konsort_partner USING (id = konsort_partner_org());
--> statement-breakpoint
ALTER TABLE audit_log ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
-- Partners append their own entries and read none through this role.
CREATE POLICY audit_log_partner_insert ON audit_log FOR INSERT TO konsort_partner WITH CHECK (true);
