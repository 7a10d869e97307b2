-- Issue 14: a per-model decision-value matrix (USD per TP/FP/TN/FN, optional scaling input, baseline policy; lib/cost/value.ts)
-- and an optional business value per outcome (revenue, loss, conversion 0/1) for A/B tests of the business metric.
ALTER TABLE "models" ADD COLUMN "value_matrix" jsonb;
--> statement-breakpoint
ALTER TABLE "outcomes" ADD COLUMN "value" double precision;
