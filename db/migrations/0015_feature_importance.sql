-- Issue 12: global importance (mean |Shapley value| per feature), one row per version and source: 'reference'
-- computed once by the validation job over the reference sample, 'traffic' over recent production rows by the
-- worker's importance job. Stored, so the version and monitoring pages read one row instead of running the model.
CREATE TABLE "feature_importances" (
	"model_version_id" uuid NOT NULL REFERENCES "model_versions"("id") ON DELETE CASCADE,
	"source" text NOT NULL,
	"method" text NOT NULL,
	"rows" integer NOT NULL,
	"background_rows" integer NOT NULL,
	"features" jsonb NOT NULL,
	"window_start" timestamp with time zone,
	"window_end" timestamp with time zone,
	"computed_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "feature_importances_pk" PRIMARY KEY ("model_version_id", "source"),
	CONSTRAINT "feature_importances_source_check" CHECK ("source" IN ('reference', 'traffic'))
);
--> statement-breakpoint
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'oversight_runtime') THEN
    GRANT SELECT, INSERT, UPDATE, DELETE ON "feature_importances" TO oversight_runtime;
  END IF;
END
$$;
