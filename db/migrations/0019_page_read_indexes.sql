-- The daily monitor results (a few per model and day) among the hourly ones (24 times as many): the KPI page's
-- drift, fairness and performance lines, its latest drift verdict and the cost page's accuracy trend read only
-- these, and through monitor_results_model_time_idx they fetched every hourly row of the same kinds to drop it.
CREATE INDEX "monitor_results_daily_idx" ON "monitor_results" USING btree ("model_id", "kind", "window_start") WHERE "granularity" = 'day';
--> statement-breakpoint
-- Outcomes that carry a business value, in the order they arrived: the A/B panel on a version's page (listArmValues)
-- read every outcome of the model to find them, on each view of a canary's champion or challenger.
CREATE INDEX "outcomes_valued_idx" ON "outcomes" USING btree ("model_id", "created_at") WHERE "value" IS NOT NULL;
