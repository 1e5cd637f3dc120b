-- The audit log is append-only: history that can be rewritten proves nothing.
CREATE OR REPLACE FUNCTION konsort_audit_log_immutable() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION konsort_audit_log_immutable();
--> statement-breakpoint
ALTER TABLE users ADD CONSTRAINT users_partner_role_org CHECK (
  (role IN ('partner_admin', 'partner_member')) = (partner_org_id IS NOT NULL)
);
