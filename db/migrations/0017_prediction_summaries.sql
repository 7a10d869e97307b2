-- Hourly summaries of predictions and their outcomes, kept by the worker's summary job
-- (db/queries/summaries-refresh.ts) so pages add up a few hundred rows instead of scanning 30 days
-- of predictions. Pages read the summaries for the hours they cover plus the raw rows they do not
-- (db/queries/summaries.ts), so what they show is exact and as fresh as the predictions table.
CREATE TABLE "prediction_hours" (
	"model_id" uuid NOT NULL REFERENCES "models"("id") ON DELETE CASCADE,
	-- Null when the rule-based fallback answered.
	"model_version_id" uuid,
	"role" text NOT NULL,
	-- The UTC hour the predictions were made in.
	"hour" timestamp with time zone NOT NULL,
	"predictions" integer NOT NULL,
	"reviewed" integer NOT NULL,
	-- Outcomes recorded before the model's outcomes_until (prediction_summary_state).
	"labelled" integer NOT NULL,
	"first_at" timestamp with time zone NOT NULL,
	CONSTRAINT "prediction_hours_key" UNIQUE NULLS NOT DISTINCT ("model_id", "hour", "role", "model_version_id")
);
--> statement-breakpoint
CREATE INDEX "prediction_hours_version_idx" ON "prediction_hours" USING btree ("model_version_id", "hour");
--> statement-breakpoint
-- The cost view's labelled cells (model decision × actual × baseline decision) of served predictions
-- (champion, challenger, fallback) per hour, computed with the value matrix inputs named by cells_key.
CREATE TABLE "outcome_cell_hours" (
	"model_id" uuid NOT NULL REFERENCES "models"("id") ON DELETE CASCADE,
	"hour" timestamp with time zone NOT NULL,
	"predicted" smallint NOT NULL,
	"actual" smallint NOT NULL,
	"baseline" smallint,
	"n" integer NOT NULL,
	"scale" double precision NOT NULL,
	"first_at" timestamp with time zone NOT NULL,
	"last_at" timestamp with time zone NOT NULL,
	CONSTRAINT "outcome_cell_hours_key" UNIQUE NULLS NOT DISTINCT ("model_id", "hour", "predicted", "actual", "baseline")
);
--> statement-breakpoint
-- How far each model's summaries reach: predictions made before predictions_until (an hour
-- boundary) and outcomes recorded (created_at) before outcomes_until are in them, nothing after.
CREATE TABLE "prediction_summary_state" (
	"model_id" uuid PRIMARY KEY NOT NULL REFERENCES "models"("id") ON DELETE CASCADE,
	"predictions_until" timestamp with time zone NOT NULL,
	"outcomes_until" timestamp with time zone NOT NULL,
	"cells_key" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
-- Outcomes recorded after the summaries were made: what pages add to them, and the job folds in.
CREATE INDEX "outcomes_model_recorded_idx" ON "outcomes" USING btree ("model_id", "created_at");
--> statement-breakpoint
-- Hours whose predictions or outcomes were written, changed or removed after the summaries may
-- have covered them (a backdated import, a correction, a purge). Readers treat a model's summaries
-- as ending at its earliest such hour; the next pass recomputes from there and clears the marks.
-- Serving writes rows stamped now, which the triggers below pass over without writing anything.
CREATE TABLE "prediction_summary_dirty" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"model_id" uuid NOT NULL,
	"hour" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE INDEX "prediction_summary_dirty_model_idx" ON "prediction_summary_dirty" USING btree ("model_id", "hour");
--> statement-breakpoint
-- A row stamped before the model's summaries reach, or more than 5 minutes ago (SUMMARY_MARGIN_MS: a pass
-- running now may read it without this transaction seeing that pass's new bound), may already be summarised.
CREATE FUNCTION oversight_mark_summary_dirty() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_TABLE_NAME = 'predictions' THEN
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
      INSERT INTO prediction_summary_dirty (model_id, hour)
      SELECT DISTINCT r.model_id, date_trunc('hour', r.created_at, 'UTC') FROM new_rows r
      LEFT JOIN prediction_summary_state s ON s.model_id = r.model_id
      WHERE r.created_at < greatest(now() - interval '5 minutes', s.predictions_until);
    END IF;
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
      INSERT INTO prediction_summary_dirty (model_id, hour)
      SELECT DISTINCT r.model_id, date_trunc('hour', r.created_at, 'UTC') FROM old_rows r
      LEFT JOIN prediction_summary_state s ON s.model_id = r.model_id
      WHERE r.created_at < greatest(now() - interval '5 minutes', s.predictions_until);
    END IF;
  ELSE
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
      INSERT INTO prediction_summary_dirty (model_id, hour)
      SELECT DISTINCT r.model_id, date_trunc('hour', r.prediction_created_at, 'UTC') FROM new_rows r
      LEFT JOIN prediction_summary_state s ON s.model_id = r.model_id
      WHERE r.created_at < greatest(now() - interval '5 minutes', s.outcomes_until);
    END IF;
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
      INSERT INTO prediction_summary_dirty (model_id, hour)
      SELECT DISTINCT r.model_id, date_trunc('hour', r.prediction_created_at, 'UTC') FROM old_rows r
      LEFT JOIN prediction_summary_state s ON s.model_id = r.model_id
      WHERE r.created_at < greatest(now() - interval '5 minutes', s.outcomes_until);
    END IF;
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER predictions_summary_insert AFTER INSERT ON "predictions" REFERENCING NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION oversight_mark_summary_dirty();
--> statement-breakpoint
CREATE TRIGGER predictions_summary_update AFTER UPDATE ON "predictions" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION oversight_mark_summary_dirty();
--> statement-breakpoint
CREATE TRIGGER predictions_summary_delete AFTER DELETE ON "predictions" REFERENCING OLD TABLE AS old_rows
	FOR EACH STATEMENT EXECUTE FUNCTION oversight_mark_summary_dirty();
--> statement-breakpoint
CREATE TRIGGER outcomes_summary_insert AFTER INSERT ON "outcomes" REFERENCING NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION oversight_mark_summary_dirty();
--> statement-breakpoint
CREATE TRIGGER outcomes_summary_update AFTER UPDATE ON "outcomes" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION oversight_mark_summary_dirty();
--> statement-breakpoint
CREATE TRIGGER outcomes_summary_delete AFTER DELETE ON "outcomes" REFERENCING OLD TABLE AS old_rows
	FOR EACH STATEMENT EXECUTE FUNCTION oversight_mark_summary_dirty();
--> statement-breakpoint
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'oversight_runtime') THEN
    GRANT SELECT, INSERT, UPDATE, DELETE ON "prediction_hours", "outcome_cell_hours", "prediction_summary_state", "prediction_summary_dirty" TO oversight_runtime;
    GRANT USAGE, SELECT ON SEQUENCE "prediction_summary_dirty_id_seq" TO oversight_runtime;
  END IF;
END
$$;
