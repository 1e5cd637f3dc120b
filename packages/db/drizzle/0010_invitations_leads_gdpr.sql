CREATE TYPE "public"."lead_offer_status" AS ENUM('pending', 'accepted', 'declined', 'expired');--> statement-breakpoint
CREATE TYPE "public"."lead_source" AS ENUM('form', 'csv', 'api', 'manual');--> statement-breakpoint
CREATE TYPE "public"."lead_status" AS ENUM('new', 'qualified', 'disqualified', 'converted');--> statement-breakpoint
CREATE TABLE "invitations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"email" text NOT NULL,
	"name" text NOT NULL,
	"role" "user_role" NOT NULL,
	"partner_org_id" uuid,
	"locale" "locale" DEFAULT 'de' NOT NULL,
	"token_hash" text NOT NULL,
	"invited_by" uuid,
	"expires_at" timestamp with time zone NOT NULL,
	"sent_at" timestamp with time zone DEFAULT now() NOT NULL,
	"accepted_at" timestamp with time zone,
	"accepted_user_id" uuid,
	"revoked_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "invitations_partner_role_org" CHECK (("invitations"."role" in ('partner_admin', 'partner_member')) = ("invitations"."partner_org_id" is not null))
);
--> statement-breakpoint
CREATE TABLE "leads" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"company_name" text NOT NULL,
	"contact_name" text,
	"email" text,
	"phone" text,
	"domain" text,
	"notes" text,
	"source" "lead_source" NOT NULL,
	"status" "lead_status" DEFAULT 'new' NOT NULL,
	"status_reason" text,
	"owner_id" uuid,
	"created_by" uuid,
	"api_key_id" uuid,
	"offered_partner_org_id" uuid,
	"offered_by" uuid,
	"offered_at" timestamp with time zone,
	"respond_by" timestamp with time zone,
	"offer_status" "lead_offer_status",
	"offer_reason" text,
	"responded_by" uuid,
	"responded_at" timestamp with time zone,
	"account_id" uuid,
	"contact_id" uuid,
	"opportunity_id" uuid,
	"converted_at" timestamp with time zone,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "invitations" ADD CONSTRAINT "invitations_partner_org_id_partner_orgs_id_fk" FOREIGN KEY ("partner_org_id") REFERENCES "public"."partner_orgs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invitations" ADD CONSTRAINT "invitations_invited_by_users_id_fk" FOREIGN KEY ("invited_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invitations" ADD CONSTRAINT "invitations_accepted_user_id_users_id_fk" FOREIGN KEY ("accepted_user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "leads" ADD CONSTRAINT "leads_owner_id_users_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "leads" ADD CONSTRAINT "leads_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "leads" ADD CONSTRAINT "leads_api_key_id_api_keys_id_fk" FOREIGN KEY ("api_key_id") REFERENCES "public"."api_keys"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "leads" ADD CONSTRAINT "leads_offered_partner_org_id_partner_orgs_id_fk" FOREIGN KEY ("offered_partner_org_id") REFERENCES "public"."partner_orgs"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "leads" ADD CONSTRAINT "leads_offered_by_users_id_fk" FOREIGN KEY ("offered_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "leads" ADD CONSTRAINT "leads_responded_by_users_id_fk" FOREIGN KEY ("responded_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "leads" ADD CONSTRAINT "leads_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "leads" ADD CONSTRAINT "leads_contact_id_contacts_id_fk" FOREIGN KEY ("contact_id") REFERENCES "public"."contacts"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "leads" ADD CONSTRAINT "leads_opportunity_id_opportunities_id_fk" FOREIGN KEY ("opportunity_id") REFERENCES "public"."opportunities"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "invitations_token_hash_idx" ON "invitations" USING btree ("token_hash");--> statement-breakpoint
CREATE UNIQUE INDEX "invitations_open_email_idx" ON "invitations" USING btree (lower("email")) WHERE "invitations"."accepted_at" is null and "invitations"."revoked_at" is null;--> statement-breakpoint
CREATE INDEX "invitations_partner_org_idx" ON "invitations" USING btree ("partner_org_id","created_at");--> statement-breakpoint
CREATE INDEX "leads_status_idx" ON "leads" USING btree ("status","created_at");--> statement-breakpoint
CREATE INDEX "leads_owner_idx" ON "leads" USING btree ("owner_id","status");--> statement-breakpoint
CREATE INDEX "leads_offered_org_idx" ON "leads" USING btree ("offered_partner_org_id","offer_status");--> statement-breakpoint
CREATE INDEX "leads_respond_by_idx" ON "leads" USING btree ("respond_by") WHERE "leads"."offer_status" = 'pending';--> statement-breakpoint
CREATE INDEX "leads_contact_idx" ON "leads" USING btree ("contact_id");--> statement-breakpoint
-- Invitations: a partner admin works on its own organisation's, never sees the token hashes.
GRANT SELECT (id, email, name, role, partner_org_id, locale, invited_by, expires_at, sent_at, accepted_at, accepted_user_id, revoked_at, created_at, updated_at) ON invitations TO konsort_partner;
--> statement-breakpoint
GRANT INSERT ON invitations TO konsort_partner;
--> statement-breakpoint
GRANT UPDATE (token_hash, expires_at, sent_at, revoked_at, updated_at) ON invitations TO konsort_partner;
--> statement-breakpoint
ALTER TABLE invitations ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY invitations_partner ON invitations FOR ALL TO konsort_partner
  USING (partner_org_id = konsort_partner_org()) WITH CHECK (partner_org_id = konsort_partner_org());
--> statement-breakpoint
-- Partner admins (de)activate and re-role their own organisation's users, nobody else's.
GRANT UPDATE (active, role, updated_at) ON users TO konsort_partner;
--> statement-breakpoint
ALTER TABLE users ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY users_partner_read ON users FOR SELECT TO konsort_partner USING (true);
--> statement-breakpoint
CREATE POLICY users_partner_manage ON users FOR UPDATE TO konsort_partner
  USING (partner_org_id = konsort_partner_org()) WITH CHECK (partner_org_id = konsort_partner_org());
--> statement-breakpoint
-- Deactivation ends the user's sessions; the session ids (credentials) stay unreadable.
GRANT SELECT (user_id), DELETE ON sessions TO konsort_partner;
--> statement-breakpoint
ALTER TABLE sessions ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY sessions_partner_org ON sessions FOR ALL TO konsort_partner
  USING (EXISTS (SELECT 1 FROM users u WHERE u.id = sessions.user_id AND u.partner_org_id = konsort_partner_org()));
--> statement-breakpoint
-- Leads: a partner sees only what is offered to its organisation and may only answer a pending offer.
GRANT SELECT ON leads TO konsort_partner;
--> statement-breakpoint
GRANT UPDATE (offer_status, offer_reason, responded_by, responded_at, version, updated_at) ON leads TO konsort_partner;
--> statement-breakpoint
ALTER TABLE leads ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY leads_partner_read ON leads FOR SELECT TO konsort_partner
  USING (offered_partner_org_id = konsort_partner_org());
--> statement-breakpoint
CREATE POLICY leads_partner_answer ON leads FOR UPDATE TO konsort_partner
  USING (offered_partner_org_id = konsort_partner_org() AND offer_status = 'pending')
  WITH CHECK (offered_partner_org_id = konsort_partner_org());
--> statement-breakpoint
-- GDPR erasure (docs/decisions/010-gdpr-erasure.md). The audit log stays append-only; the one
-- change allowed is a redaction: string values replaced by the marker '[erased]' (and a client
-- address removed), every other column and the JSON's shape unchanged, and only while the
-- redaction function below runs. DELETE stays refused.
CREATE OR REPLACE FUNCTION konsort_jsonb_redacted(doc jsonb, needles text[], keys text[], marker text)
RETURNS jsonb LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
  result jsonb;
  k text;
  v jsonb;
  n text;
BEGIN
  CASE jsonb_typeof(doc)
    WHEN 'string' THEN
      IF needles IS NULL THEN RETURN to_jsonb(marker); END IF;
      FOREACH n IN ARRAY needles LOOP
        IF position(lower(n) IN lower(doc #>> '{}')) > 0 THEN RETURN to_jsonb(marker); END IF;
      END LOOP;
      RETURN doc;
    WHEN 'object' THEN
      result := '{}'::jsonb;
      FOR k, v IN SELECT * FROM jsonb_each(doc) LOOP
        IF k = ANY (keys) THEN
          -- A personal field of the erased subject: every string in it goes, whatever it says.
          result := result || jsonb_build_object(k, konsort_jsonb_redacted(v, NULL, '{}', marker));
        ELSE
          result := result || jsonb_build_object(k, konsort_jsonb_redacted(v, needles, keys, marker));
        END IF;
      END LOOP;
      RETURN result;
    WHEN 'array' THEN
      SELECT coalesce(jsonb_agg(konsort_jsonb_redacted(e, needles, keys, marker) ORDER BY i), '[]'::jsonb)
        INTO result FROM jsonb_array_elements(doc) WITH ORDINALITY AS a(e, i);
      RETURN result;
    ELSE
      RETURN doc;
  END CASE;
END;
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION konsort_jsonb_is_redaction(old jsonb, new jsonb, marker text)
RETURNS boolean LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
  k text;
  v jsonb;
  i integer;
BEGIN
  IF new = old THEN RETURN true; END IF;
  IF jsonb_typeof(old) = 'string' THEN RETURN new = to_jsonb(marker); END IF;
  IF jsonb_typeof(old) = 'object' AND jsonb_typeof(new) = 'object' THEN
    IF (SELECT array_agg(x ORDER BY x) FROM jsonb_object_keys(old) x)
       IS DISTINCT FROM (SELECT array_agg(x ORDER BY x) FROM jsonb_object_keys(new) x) THEN
      RETURN false;
    END IF;
    FOR k, v IN SELECT * FROM jsonb_each(old) LOOP
      IF NOT konsort_jsonb_is_redaction(v, new -> k, marker) THEN RETURN false; END IF;
    END LOOP;
    RETURN true;
  END IF;
  IF jsonb_typeof(old) = 'array' AND jsonb_typeof(new) = 'array'
     AND jsonb_array_length(old) = jsonb_array_length(new) THEN
    FOR i IN 0 .. jsonb_array_length(old) - 1 LOOP
      IF NOT konsort_jsonb_is_redaction(old -> i, new -> i, marker) THEN RETURN false; END IF;
    END LOOP;
    RETURN true;
  END IF;
  RETURN false;
END;
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION konsort_audit_log_immutable() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE'
     AND current_setting('konsort.audit_redaction', true) = 'on'
     AND NEW.id = OLD.id AND NEW.at = OLD.at AND NEW.actor_type = OLD.actor_type
     AND NEW.actor_id IS NOT DISTINCT FROM OLD.actor_id AND NEW.action = OLD.action
     AND NEW.entity = OLD.entity AND NEW.entity_id = OLD.entity_id
     AND (NEW.ip IS NULL OR NEW.ip = OLD.ip)
     AND konsort_jsonb_is_redaction(OLD.changes, NEW.changes, '[erased]') THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'audit_log is append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;
--> statement-breakpoint
-- Redacts the erased subject from the whole audit log: in the subject's own entries every value
-- of its personal fields (`keys`); in every entry any string containing one of `needles` (its
-- full name, e-mail, phones); and client addresses of entries by or about `person` (a user).
-- Returns the number of entries changed. Called only by the erase procedure, which records
-- the count in an audit entry of its own.
CREATE OR REPLACE FUNCTION konsort_redact_audit(
  subject_entity text, subject_id text, keys text[], needles text[], person uuid
) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  changed integer;
  clean text[];
  escaped text[];
BEGIN
  SELECT coalesce(array_agg(x), '{}') INTO clean FROM unnest(needles) x WHERE length(trim(x)) >= 3;
  -- What each needle looks like inside the JSON text, for the cheap pre-filter.
  SELECT coalesce(array_agg(lower(substr(to_jsonb(x)::text, 2, length(to_jsonb(x)::text) - 2))), '{}')
    INTO escaped FROM unnest(clean) x;
  PERFORM set_config('konsort.audit_redaction', 'on', true);
  WITH redacted AS (
    SELECT a.id,
           konsort_jsonb_redacted(
             a.changes, clean,
             CASE WHEN a.entity = subject_entity AND a.entity_id = subject_id THEN keys ELSE '{}'::text[] END,
             '[erased]') AS changes,
           CASE WHEN person IS NOT NULL AND (a.actor_id = person OR (a.entity = 'user' AND a.entity_id = person::text))
                THEN NULL ELSE a.ip END AS ip
      FROM audit_log a
     WHERE (a.entity = subject_entity AND a.entity_id = subject_id)
        OR EXISTS (SELECT 1 FROM unnest(escaped) x WHERE position(x IN lower(a.changes::text)) > 0)
        OR (person IS NOT NULL AND a.ip IS NOT NULL
            AND (a.actor_id = person OR (a.entity = 'user' AND a.entity_id = person::text)))
  )
  UPDATE audit_log a SET changes = r.changes, ip = r.ip
    FROM redacted r
   WHERE a.id = r.id AND (a.changes IS DISTINCT FROM r.changes OR a.ip IS DISTINCT FROM r.ip);
  GET DIAGNOSTICS changed = ROW_COUNT;
  PERFORM set_config('konsort.audit_redaction', 'off', true);
  RETURN changed;
END;
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION konsort_redact_audit(text, text, text[], text[], uuid) FROM PUBLIC;
