ALTER TABLE "alert_rules" ADD COLUMN "source" text DEFAULT 'monitoring' NOT NULL;--> statement-breakpoint
-- The review-backlog job's rule was told apart by its metric having no dot; say so in the column instead.
UPDATE "alert_rules" SET "source" = 'review_backlog' WHERE "metric" = 'review_overdue';
