CREATE TYPE "public"."edi_outbox_kind" AS ENUM('orderResponse', 'purchaseOrder', 'dealFeed');--> statement-breakpoint
CREATE TYPE "public"."edi_outbox_status" AS ENUM('pending', 'generated', 'sent');--> statement-breakpoint
CREATE SEQUENCE "public"."edi_outbound_order_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 100001 CACHE 1;--> statement-breakpoint
CREATE TABLE "edi_outbox" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"profile_id" uuid NOT NULL,
	"kind" "edi_outbox_kind" NOT NULL,
	"order_id" uuid,
	"opportunity_id" uuid,
	"document" jsonb NOT NULL,
	"content_hash" text,
	"status" "edi_outbox_status" DEFAULT 'pending' NOT NULL,
	"message_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "edi_outbox" ADD CONSTRAINT "edi_outbox_profile_id_edi_profiles_id_fk" FOREIGN KEY ("profile_id") REFERENCES "public"."edi_profiles"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "edi_outbox" ADD CONSTRAINT "edi_outbox_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."orders"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "edi_outbox" ADD CONSTRAINT "edi_outbox_opportunity_id_opportunities_id_fk" FOREIGN KEY ("opportunity_id") REFERENCES "public"."opportunities"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "edi_outbox" ADD CONSTRAINT "edi_outbox_message_id_edi_messages_id_fk" FOREIGN KEY ("message_id") REFERENCES "public"."edi_messages"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "edi_outbox_profile_status_idx" ON "edi_outbox" USING btree ("profile_id","status","created_at");--> statement-breakpoint
CREATE INDEX "edi_outbox_profile_kind_idx" ON "edi_outbox" USING btree ("profile_id","kind","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "edi_outbox_won_deal_idx" ON "edi_outbox" USING btree ("profile_id","opportunity_id") WHERE "edi_outbox"."kind" = 'purchaseOrder';