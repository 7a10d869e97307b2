-- Retention of raw predictions per model (workers/jobs/retention.ts); a model without a row keeps 13 months.
CREATE TABLE "retention_policies" (
	"model_id" uuid PRIMARY KEY NOT NULL,
	"prediction_months" smallint DEFAULT 13 NOT NULL,
	"updated_by" uuid,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "retention_policies_months_check" CHECK ("retention_policies"."prediction_months" between 1 and 120)
);
--> statement-breakpoint
ALTER TABLE "retention_policies" ADD CONSTRAINT "retention_policies_model_id_models_id_fk" FOREIGN KEY ("model_id") REFERENCES "public"."models"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "retention_policies" ADD CONSTRAINT "retention_policies_updated_by_users_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;
