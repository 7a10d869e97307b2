-- Issue 14: the canary guard's verdict on the business value (one row per model: its running canary), shown on the
-- version page and the committee home; `alert_id` is the warning a "hold" raised, resolved when the hold ends.
CREATE TABLE "canary_business_verdicts" (
	"model_id" uuid PRIMARY KEY NOT NULL REFERENCES "models"("id") ON DELETE CASCADE,
	"champion_version_id" uuid NOT NULL REFERENCES "model_versions"("id") ON DELETE CASCADE,
	"challenger_version_id" uuid NOT NULL REFERENCES "model_versions"("id") ON DELETE CASCADE,
	"verdict" text NOT NULL,
	"control_n" integer NOT NULL,
	"treatment_n" integer NOT NULL,
	"difference" double precision,
	"ci_low" double precision,
	"ci_high" double precision,
	"always_valid_p_value" double precision,
	"test" text,
	"sentence" text NOT NULL,
	"alert_id" uuid REFERENCES "alerts"("id") ON DELETE SET NULL,
	"judged_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
-- The previous champion's decisions re-scored on the last labelled predictions of a window, aggregated per cell
-- (count and sum of the value matrix's scaling input) beside the served decisions' cells on the same rows:
-- the "previous champion" baseline of the cost page. Keyed by (model, baseline version, window length).
CREATE TABLE "baseline_values" (
	"model_id" uuid NOT NULL REFERENCES "models"("id") ON DELETE CASCADE,
	"baseline_version_id" uuid NOT NULL REFERENCES "model_versions"("id") ON DELETE CASCADE,
	"window_days" integer NOT NULL,
	"champion_version_id" uuid REFERENCES "model_versions"("id") ON DELETE CASCADE,
	"scale_input" text,
	"window_start" timestamp with time zone NOT NULL,
	"window_end" timestamp with time zone NOT NULL,
	"rows" integer NOT NULL,
	"skipped" integer NOT NULL,
	"model_cells" jsonb NOT NULL,
	"baseline_cells" jsonb NOT NULL,
	"computed_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "baseline_values_pk" PRIMARY KEY ("model_id", "baseline_version_id", "window_days")
);
--> statement-breakpoint
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'oversight_runtime') THEN
    GRANT SELECT, INSERT, UPDATE, DELETE ON "canary_business_verdicts", "baseline_values" TO oversight_runtime;
  END IF;
END
$$;
