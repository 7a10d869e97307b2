-- An open hour's window is extended with the predictions stamped since the last pass instead of being
-- read whole every minute (workers/jobs/monitor-windows.ts). rows_until is how far it has read.
ALTER TABLE "monitor_windows" ADD COLUMN "rows_until" timestamp with time zone;
--> statement-breakpoint
COMMENT ON COLUMN "monitor_windows"."rows_until" IS 'Hour windows: the summary holds exactly the version''s predictions created in [window_start, rows_until); rows_until = window_end once the hour is complete. NULL (windows written before this column, and day windows): unknown, so the next pass that touches the hour recomputes it whole.';
