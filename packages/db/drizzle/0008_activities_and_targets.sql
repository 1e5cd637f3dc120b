CREATE TABLE "sales_targets" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"year" integer NOT NULL,
	"month" integer NOT NULL,
	"business_type" "business_type" NOT NULL,
	"currency" char(3) DEFAULT 'EUR' NOT NULL,
	"amount_minor" bigint NOT NULL,
	"set_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "sales_targets_month_range" CHECK ("sales_targets"."month" between 1 and 12),
	CONSTRAINT "sales_targets_year_range" CHECK ("sales_targets"."year" between 2000 and 2100),
	CONSTRAINT "sales_targets_amount_nonneg" CHECK ("sales_targets"."amount_minor" >= 0)
);
--> statement-breakpoint
ALTER TABLE "activities" ADD COLUMN "reminder_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "activities" ADD COLUMN "created_by" uuid;--> statement-breakpoint
ALTER TABLE "sales_targets" ADD CONSTRAINT "sales_targets_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sales_targets" ADD CONSTRAINT "sales_targets_set_by_users_id_fk" FOREIGN KEY ("set_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "sales_targets_user_month_idx" ON "sales_targets" USING btree ("user_id","year","month","business_type","currency");--> statement-breakpoint
CREATE INDEX "sales_targets_year_month_idx" ON "sales_targets" USING btree ("year","month");--> statement-breakpoint
ALTER TABLE "activities" ADD CONSTRAINT "activities_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "activities_contact_idx" ON "activities" USING btree ("contact_id");--> statement-breakpoint
-- Reports aggregate open deals by expected close and won/lost deals by close date on up to a
-- million rows: partial covering indexes let those scans read the index alone.
CREATE INDEX "opportunities_open_pipeline_idx" ON "opportunities" USING btree ("expected_close_date") INCLUDE ("owner_id", "stage", "currency", "amount_minor", "probability") WHERE "archived_at" IS NULL AND "stage" IN ('lead', 'qualified', 'proposal', 'negotiation');
--> statement-breakpoint
CREATE INDEX "opportunities_closed_idx" ON "opportunities" USING btree ("closed_at") INCLUDE ("owner_id", "stage", "business_type", "currency", "amount_minor") WHERE "archived_at" IS NULL AND "closed_at" IS NOT NULL;
--> statement-breakpoint
-- Activities and targets are staff data (docs/decisions/011-activities-and-reports-are-staff-only.md):
-- no GRANT to konsort_partner, and row-level security on with no partner policy, so even a
-- later grant shows a partner no row until a policy says which.
ALTER TABLE "activities" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "sales_targets" ENABLE ROW LEVEL SECURITY;
