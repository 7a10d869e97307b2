-- The prediction's sensitive attributes, copied onto the review item it raised when both are written
-- (db/writes/predictions.ts), so the transparency report's per-group table reads review items alone
-- instead of one prediction per item. Null where a writer left it out; the report then reads the
-- prediction (db/queries/transparency.ts), so its figures are the same either way.
ALTER TABLE "review_items" ADD COLUMN "attributes" jsonb;
--> statement-breakpoint
UPDATE "review_items" r SET "attributes" = p."attributes"
FROM "predictions" p WHERE p."id" = r."prediction_id" AND p."created_at" = r."prediction_created_at";
