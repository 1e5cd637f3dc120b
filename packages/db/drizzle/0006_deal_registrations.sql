CREATE TYPE "public"."registration_status" AS ENUM('submitted', 'approved', 'rejected', 'expired', 'won', 'lost');--> statement-breakpoint
CREATE TABLE "deal_registrations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"partner_org_id" uuid NOT NULL,
	"submitted_by" uuid NOT NULL,
	"company_name" text NOT NULL,
	"normalized_name" text NOT NULL,
	"vat_id" text,
	"domain" text,
	"contact_name" text NOT NULL,
	"contact_email" text NOT NULL,
	"estimated_amount_minor" bigint NOT NULL,
	"currency" char(3) DEFAULT 'EUR' NOT NULL,
	"products" text NOT NULL,
	"expected_close_date" date,
	"notes" text,
	"status" "registration_status" DEFAULT 'submitted' NOT NULL,
	"reviewed_by" uuid,
	"reviewed_at" timestamp with time zone,
	"rejection_reason" text,
	"account_id" uuid,
	"opportunity_id" uuid,
	"protected_until" timestamp with time zone,
	"expires_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "deal_registrations" ADD CONSTRAINT "deal_registrations_partner_org_id_partner_orgs_id_fk" FOREIGN KEY ("partner_org_id") REFERENCES "public"."partner_orgs"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deal_registrations" ADD CONSTRAINT "deal_registrations_submitted_by_users_id_fk" FOREIGN KEY ("submitted_by") REFERENCES "public"."users"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deal_registrations" ADD CONSTRAINT "deal_registrations_reviewed_by_users_id_fk" FOREIGN KEY ("reviewed_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deal_registrations" ADD CONSTRAINT "deal_registrations_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deal_registrations" ADD CONSTRAINT "deal_registrations_opportunity_id_opportunities_id_fk" FOREIGN KEY ("opportunity_id") REFERENCES "public"."opportunities"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "deal_registrations_partner_idx" ON "deal_registrations" USING btree ("partner_org_id","created_at");--> statement-breakpoint
CREATE INDEX "deal_registrations_status_idx" ON "deal_registrations" USING btree ("status","created_at");--> statement-breakpoint
CREATE INDEX "deal_registrations_expires_idx" ON "deal_registrations" USING btree ("expires_at");--> statement-breakpoint
CREATE INDEX "deal_registrations_domain_idx" ON "deal_registrations" USING btree ("domain");--> statement-breakpoint
CREATE INDEX "deal_registrations_vat_idx" ON "deal_registrations" USING btree ("vat_id");--> statement-breakpoint
CREATE INDEX "deal_registrations_name_trgm_idx" ON "deal_registrations" USING gin ("normalized_name" gin_trgm_ops);--> statement-breakpoint
GRANT SELECT, INSERT ON deal_registrations TO konsort_partner;
--> statement-breakpoint
ALTER TABLE deal_registrations ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY deal_registrations_partner ON deal_registrations FOR ALL TO konsort_partner USING (partner_org_id = konsort_partner_org()) WITH CHECK (partner_org_id = konsort_partner_org());
