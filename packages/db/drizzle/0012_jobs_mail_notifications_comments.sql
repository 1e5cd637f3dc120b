CREATE TYPE "public"."comment_visibility" AS ENUM('internal', 'shared');--> statement-breakpoint
CREATE TYPE "public"."job_status" AS ENUM('pending', 'done', 'failed');--> statement-breakpoint
CREATE TYPE "public"."mail_status" AS ENUM('queued', 'sent', 'failed');--> statement-breakpoint
CREATE TABLE "comments" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"opportunity_id" uuid NOT NULL,
	"author_id" uuid NOT NULL,
	"visibility" "comment_visibility" NOT NULL,
	"body" text NOT NULL,
	"mentions" uuid[] DEFAULT '{}'::uuid[] NOT NULL,
	"edited_at" timestamp with time zone,
	"deleted_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "notification_preferences" (
	"user_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"email" boolean NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "notification_preferences_user_id_kind_pk" PRIMARY KEY("user_id","kind")
);
--> statement-breakpoint
CREATE TABLE "notifications" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"opportunity_id" uuid,
	"params" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"dedupe_key" text,
	"read_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "jobs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"kind" text NOT NULL,
	"payload" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"status" "job_status" DEFAULT 'pending' NOT NULL,
	"run_at" timestamp with time zone DEFAULT now() NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"max_attempts" integer DEFAULT 10 NOT NULL,
	"locked_until" timestamp with time zone,
	"lease_token" uuid,
	"locked_by" text,
	"last_error" text,
	"dedupe_key" text,
	"completed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "outbound_mails" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"dedupe_key" text NOT NULL,
	"message_id" text NOT NULL,
	"to_addresses" text[] NOT NULL,
	"subject" text NOT NULL,
	"text_body" text NOT NULL,
	"html_body" text,
	"attachments" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"locale" text DEFAULT 'de' NOT NULL,
	"status" "mail_status" DEFAULT 'queued' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_error" text,
	"transport_response" text,
	"sent_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "comments" ADD CONSTRAINT "comments_opportunity_id_opportunities_id_fk" FOREIGN KEY ("opportunity_id") REFERENCES "public"."opportunities"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "comments" ADD CONSTRAINT "comments_author_id_users_id_fk" FOREIGN KEY ("author_id") REFERENCES "public"."users"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notification_preferences" ADD CONSTRAINT "notification_preferences_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_opportunity_id_opportunities_id_fk" FOREIGN KEY ("opportunity_id") REFERENCES "public"."opportunities"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "comments_opportunity_idx" ON "comments" USING btree ("opportunity_id","created_at");--> statement-breakpoint
CREATE INDEX "notifications_user_idx" ON "notifications" USING btree ("user_id","created_at");--> statement-breakpoint
CREATE INDEX "notifications_unread_idx" ON "notifications" USING btree ("user_id") WHERE "notifications"."read_at" is null;--> statement-breakpoint
CREATE UNIQUE INDEX "notifications_dedupe_idx" ON "notifications" USING btree ("user_id","dedupe_key");--> statement-breakpoint
CREATE UNIQUE INDEX "jobs_dedupe_key_idx" ON "jobs" USING btree ("dedupe_key");--> statement-breakpoint
CREATE INDEX "jobs_due_idx" ON "jobs" USING btree ("run_at") WHERE "jobs"."status" = 'pending';--> statement-breakpoint
CREATE INDEX "jobs_kind_idx" ON "jobs" USING btree ("kind","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "outbound_mails_dedupe_key_idx" ON "outbound_mails" USING btree ("dedupe_key");--> statement-breakpoint
CREATE UNIQUE INDEX "outbound_mails_message_id_idx" ON "outbound_mails" USING btree ("message_id");--> statement-breakpoint
CREATE INDEX "outbound_mails_status_idx" ON "outbound_mails" USING btree ("status","created_at");--> statement-breakpoint
-- Partner requests also carry their user (`konsort.user_id`, set with the organisation in the
-- same transaction-local set_config): notifications and preferences are per person.
CREATE OR REPLACE FUNCTION konsort_user() RETURNS uuid
LANGUAGE sql STABLE AS $$
  SELECT nullif(current_setting('konsort.user_id', true), '')::uuid
$$;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION konsort_user() TO konsort_partner;
--> statement-breakpoint
-- A partner's action may enqueue work and mail (an invitation, a notification's delivery) but
-- never reads the queue or anybody's mail. INSERT … ON CONFLICT needs read access to the key,
-- so enqueueing goes through these two definer functions, the only grant the role gets.
CREATE OR REPLACE FUNCTION konsort_enqueue_job(p_id uuid, p_kind text, p_payload jsonb, p_run_at timestamptz,
  p_max_attempts integer, p_dedupe_key text) RETURNS void
LANGUAGE sql SECURITY DEFINER SET search_path = public AS $$
  INSERT INTO jobs (id, kind, payload, run_at, max_attempts, dedupe_key)
  VALUES (p_id, p_kind, p_payload, coalesce(p_run_at, now()), coalesce(p_max_attempts, 10), p_dedupe_key)
  ON CONFLICT (dedupe_key) DO NOTHING
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION konsort_enqueue_mail(p_id uuid, p_dedupe_key text, p_message_id text, p_to text[],
  p_subject text, p_text text, p_html text, p_attachments jsonb, p_locale text) RETURNS void
LANGUAGE sql SECURITY DEFINER SET search_path = public AS $$
  INSERT INTO outbound_mails (id, dedupe_key, message_id, to_addresses, subject, text_body, html_body, attachments, locale)
  VALUES (p_id, p_dedupe_key, p_message_id, p_to, p_subject, p_text, p_html, p_attachments, p_locale)
  ON CONFLICT (dedupe_key) DO NOTHING
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION konsort_enqueue_job(uuid, text, jsonb, timestamptz, integer, text) FROM PUBLIC;
--> statement-breakpoint
REVOKE ALL ON FUNCTION konsort_enqueue_mail(uuid, text, text, text[], text, text, text, jsonb, text) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION konsort_enqueue_job(uuid, text, jsonb, timestamptz, integer, text) TO konsort_partner;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION konsort_enqueue_mail(uuid, text, text, text[], text, text, text, jsonb, text) TO konsort_partner;
--> statement-breakpoint
GRANT SELECT, INSERT ON notifications TO konsort_partner;
--> statement-breakpoint
GRANT UPDATE (read_at, updated_at) ON notifications TO konsort_partner;
--> statement-breakpoint
ALTER TABLE notifications ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY notifications_own_read ON notifications FOR SELECT TO konsort_partner
  USING (user_id = konsort_user());
--> statement-breakpoint
CREATE POLICY notifications_own_update ON notifications FOR UPDATE TO konsort_partner
  USING (user_id = konsort_user()) WITH CHECK (user_id = konsort_user());
--> statement-breakpoint
-- A partner's action notifies staff or its own colleagues, never another organisation's users,
-- and only about deals its organisation holds a share on.
CREATE POLICY notifications_partner_insert ON notifications FOR INSERT TO konsort_partner
  WITH CHECK (
    (opportunity_id IS NULL OR EXISTS (SELECT 1 FROM opportunity_shares s
       WHERE s.opportunity_id = notifications.opportunity_id AND s.partner_org_id = konsort_partner_org()))
    AND EXISTS (SELECT 1 FROM users u WHERE u.id = notifications.user_id
       AND (u.partner_org_id IS NULL OR u.partner_org_id = konsort_partner_org()))
  );
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON notification_preferences TO konsort_partner;
--> statement-breakpoint
ALTER TABLE notification_preferences ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY notification_preferences_own ON notification_preferences FOR ALL TO konsort_partner
  USING (user_id = konsort_user()) WITH CHECK (user_id = konsort_user());
--> statement-breakpoint
GRANT SELECT, INSERT ON comments TO konsort_partner;
--> statement-breakpoint
GRANT UPDATE (body, mentions, edited_at, deleted_at, updated_at) ON comments TO konsort_partner;
--> statement-breakpoint
ALTER TABLE comments ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
-- Partners read shared comments of deals shared with their organisation; internal ones never.
CREATE POLICY comments_partner_read ON comments FOR SELECT TO konsort_partner
  USING (visibility = 'shared' AND EXISTS (SELECT 1 FROM opportunity_shares s
    WHERE s.opportunity_id = comments.opportunity_id AND s.partner_org_id = konsort_partner_org()));
--> statement-breakpoint
CREATE POLICY comments_partner_insert ON comments FOR INSERT TO konsort_partner
  WITH CHECK (visibility = 'shared' AND author_id = konsort_user() AND EXISTS (SELECT 1 FROM opportunity_shares s
    WHERE s.opportunity_id = comments.opportunity_id AND s.partner_org_id = konsort_partner_org()));
--> statement-breakpoint
CREATE POLICY comments_partner_update ON comments FOR UPDATE TO konsort_partner
  USING (visibility = 'shared' AND author_id = konsort_user() AND EXISTS (SELECT 1 FROM opportunity_shares s
    WHERE s.opportunity_id = comments.opportunity_id AND s.partner_org_id = konsort_partner_org()))
  WITH CHECK (visibility = 'shared' AND author_id = konsort_user());
