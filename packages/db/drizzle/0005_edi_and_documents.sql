CREATE TYPE "public"."edi_direction" AS ENUM('inbound', 'outbound');--> statement-breakpoint
CREATE TYPE "public"."edi_message_status" AS ENUM('received', 'processed', 'rejected', 'duplicate', 'queued', 'sent', 'failed');--> statement-breakpoint
CREATE TYPE "public"."edi_standard" AS ENUM('x12', 'edifact');--> statement-breakpoint
CREATE TYPE "public"."order_direction" AS ENUM('inbound', 'outbound');--> statement-breakpoint
CREATE TYPE "public"."order_status" AS ENUM('received', 'accepted', 'changed', 'rejected', 'shipped', 'invoiced', 'cancelled');--> statement-breakpoint
CREATE TABLE "documents" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"opportunity_id" uuid NOT NULL,
	"title" text NOT NULL,
	"shared_with_partners" boolean DEFAULT false NOT NULL,
	"created_by" uuid,
	"text_preview" text DEFAULT '' NOT NULL,
	"archived_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "edi_messages" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"profile_id" uuid NOT NULL,
	"direction" "edi_direction" NOT NULL,
	"standard" "edi_standard" NOT NULL,
	"document_type" text NOT NULL,
	"interchange_control_number" text,
	"sender_id" text,
	"receiver_id" text,
	"file_name" text NOT NULL,
	"file_hash" text NOT NULL,
	"status" "edi_message_status" NOT NULL,
	"errors" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"raw" text NOT NULL,
	"related_message_id" uuid,
	"processed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "edi_profiles" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"partner_org_id" uuid NOT NULL,
	"name" text NOT NULL,
	"standard" "edi_standard" NOT NULL,
	"version" text NOT NULL,
	"identifiers" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"settings" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"transport" jsonb NOT NULL,
	"inbox_path" text DEFAULT 'inbox' NOT NULL,
	"outbox_path" text DEFAULT 'outbox' NOT NULL,
	"archive_path" text DEFAULT 'archive' NOT NULL,
	"error_path" text DEFAULT 'error' NOT NULL,
	"poll_interval_seconds" integer DEFAULT 60 NOT NULL,
	"control_numbers" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "order_events" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"order_id" uuid,
	"kind" text NOT NULL,
	"reference" text NOT NULL,
	"occurred_on" date,
	"amount_minor" bigint,
	"currency" char(3),
	"source_message_id" uuid,
	"document" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "order_lines" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"order_id" uuid NOT NULL,
	"line_number" text NOT NULL,
	"product_id" text,
	"description" text,
	"quantity" numeric(18, 4) NOT NULL,
	"unit" text,
	"unit_price_minor" bigint,
	"price_scale" integer DEFAULT 2 NOT NULL,
	"line_total_minor" bigint
);
--> statement-breakpoint
CREATE TABLE "orders" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"direction" "order_direction" NOT NULL,
	"partner_org_id" uuid NOT NULL,
	"account_id" uuid,
	"opportunity_id" uuid,
	"po_number" text NOT NULL,
	"po_date" date,
	"currency" char(3) NOT NULL,
	"total_minor" bigint DEFAULT 0 NOT NULL,
	"status" "order_status" DEFAULT 'received' NOT NULL,
	"discrepancy_minor" bigint,
	"source_message_id" uuid,
	"document" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "documents" ADD CONSTRAINT "documents_opportunity_id_opportunities_id_fk" FOREIGN KEY ("opportunity_id") REFERENCES "public"."opportunities"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "documents" ADD CONSTRAINT "documents_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "edi_messages" ADD CONSTRAINT "edi_messages_profile_id_edi_profiles_id_fk" FOREIGN KEY ("profile_id") REFERENCES "public"."edi_profiles"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "edi_profiles" ADD CONSTRAINT "edi_profiles_partner_org_id_partner_orgs_id_fk" FOREIGN KEY ("partner_org_id") REFERENCES "public"."partner_orgs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "order_events" ADD CONSTRAINT "order_events_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."orders"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "order_events" ADD CONSTRAINT "order_events_source_message_id_edi_messages_id_fk" FOREIGN KEY ("source_message_id") REFERENCES "public"."edi_messages"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "order_lines" ADD CONSTRAINT "order_lines_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."orders"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "orders" ADD CONSTRAINT "orders_partner_org_id_partner_orgs_id_fk" FOREIGN KEY ("partner_org_id") REFERENCES "public"."partner_orgs"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "orders" ADD CONSTRAINT "orders_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "orders" ADD CONSTRAINT "orders_opportunity_id_opportunities_id_fk" FOREIGN KEY ("opportunity_id") REFERENCES "public"."opportunities"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "orders" ADD CONSTRAINT "orders_source_message_id_edi_messages_id_fk" FOREIGN KEY ("source_message_id") REFERENCES "public"."edi_messages"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "documents_opportunity_idx" ON "documents" USING btree ("opportunity_id");--> statement-breakpoint
CREATE UNIQUE INDEX "edi_messages_inbound_key" ON "edi_messages" USING btree ("profile_id","interchange_control_number","file_hash") WHERE "edi_messages"."direction" = 'inbound';--> statement-breakpoint
CREATE INDEX "edi_messages_profile_created_idx" ON "edi_messages" USING btree ("profile_id","created_at");--> statement-breakpoint
CREATE INDEX "edi_messages_status_idx" ON "edi_messages" USING btree ("status","created_at");--> statement-breakpoint
CREATE INDEX "edi_profiles_partner_idx" ON "edi_profiles" USING btree ("partner_org_id");--> statement-breakpoint
CREATE INDEX "order_events_order_idx" ON "order_events" USING btree ("order_id");--> statement-breakpoint
CREATE INDEX "order_lines_order_idx" ON "order_lines" USING btree ("order_id");--> statement-breakpoint
CREATE UNIQUE INDEX "orders_partner_po_idx" ON "orders" USING btree ("partner_org_id","direction","po_number");--> statement-breakpoint
CREATE INDEX "orders_opportunity_idx" ON "orders" USING btree ("opportunity_id");--> statement-breakpoint
CREATE INDEX "orders_account_idx" ON "orders" USING btree ("account_id");--> statement-breakpoint
GRANT SELECT ON documents TO konsort_partner;
--> statement-breakpoint
ALTER TABLE documents ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY documents_partner ON documents FOR SELECT TO konsort_partner
  USING (shared_with_partners AND EXISTS (SELECT 1 FROM opportunity_shares s WHERE s.opportunity_id = documents.opportunity_id AND s.partner_org_id = konsort_partner_org()));
