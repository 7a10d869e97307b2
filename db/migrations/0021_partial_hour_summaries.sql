-- From this release the summary pass (db/queries/summaries-refresh.ts) summarises up to now minus
-- its margin rather than to the last whole hour, so readers count minutes of raw rows past the
-- summaries instead of up to an hour. predictions_until may then fall inside an hour: that hour's
-- prediction_hours row holds its predictions made before predictions_until, and the next pass adds
-- the rest. Nothing to rewrite: a row summarised to an hour boundary reads the same.
COMMENT ON COLUMN "prediction_summary_state"."predictions_until" IS 'Predictions made before this instant are in prediction_hours and outcome_cell_hours; it may fall inside an hour, whose row then holds only its predictions before it.';
