-- The review queue's counts without reading the backlog (db/queries/review-counts.ts). Counting the
-- undecided items by SLA state was one pass over every open item on each page view and in the
-- navigation: linear in the backlog. Now each undecided item is counted once, in a bucket of its
-- due hour and its due-soon hour, and a count adds up the buckets wholly on one side of now plus
-- the items of the current hour, read exactly from the index.
--
-- When an item turns "due soon" (its last quarter of the window; lib/review/sla.ts), stored so the
-- SLA state is two plain comparisons with now() that an index can answer. Seconds, not the interval
-- product, so a daylight-saving change in the session's time zone cannot move it.
ALTER TABLE "review_items" ADD COLUMN "due_soon_at" timestamp with time zone;
--> statement-breakpoint
UPDATE "review_items" SET "due_soon_at" = "due_at" - make_interval(secs => extract(epoch from ("due_at" - "created_at")) * 0.25);
--> statement-breakpoint
ALTER TABLE "review_items" ALTER COLUMN "due_soon_at" SET NOT NULL;
--> statement-breakpoint
CREATE FUNCTION oversight_review_due_soon() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.due_soon_at := NEW.due_at - make_interval(secs => extract(epoch from (NEW.due_at - NEW.created_at)) * 0.25);
  RETURN NEW;
END
$$;
--> statement-breakpoint
CREATE TRIGGER review_items_due_soon BEFORE INSERT OR UPDATE OF "due_at", "created_at", "due_soon_at" ON "review_items"
	FOR EACH ROW EXECUTE FUNCTION oversight_review_due_soon();
--> statement-breakpoint
-- The queue in order (as in 0009), now carrying due_soon_at too, so the counts' edges are index-only.
DROP INDEX "review_items_open_due_idx";
--> statement-breakpoint
CREATE INDEX "review_items_open_due_idx" ON "review_items" USING btree ("due_at","id") INCLUDE ("due_soon_at","created_at","model_id","reason","status","claimed_by","claim_expires_at") WHERE "review_items"."status" <> 'decided';
--> statement-breakpoint
CREATE INDEX "review_items_open_due_soon_idx" ON "review_items" USING btree ("due_soon_at") INCLUDE ("model_id","reason") WHERE "review_items"."status" <> 'decided';
--> statement-breakpoint
-- Signed counts of undecided items per model, reason, due hour and due-soon hour (hours since the
-- epoch, UTC). Triggers append one row per bucket a statement changed and never update a row, so
-- concurrent writers never wait on each other; the worker folds the rows into one per bucket
-- (compactReviewQueueCounts) and a reader adds up whatever is there.
CREATE TABLE "review_queue_counts" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"model_id" uuid NOT NULL,
	"reason" text NOT NULL,
	"due_hour" bigint NOT NULL,
	"soon_hour" bigint NOT NULL,
	"items" integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX "review_queue_counts_model_idx" ON "review_queue_counts" USING btree ("model_id", "due_hour");
--> statement-breakpoint
-- A transition table exists only for the events that have it, hence one statement per event.
CREATE FUNCTION oversight_count_review_queue() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'TRUNCATE' THEN
    DELETE FROM review_queue_counts;
  ELSIF TG_OP = 'INSERT' THEN
    INSERT INTO review_queue_counts (model_id, reason, due_hour, soon_hour, items)
    SELECT model_id, reason, floor(extract(epoch from due_at) / 3600)::bigint, floor(extract(epoch from due_soon_at) / 3600)::bigint, count(*)
    FROM new_rows WHERE status <> 'decided' GROUP BY 1, 2, 3, 4;
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO review_queue_counts (model_id, reason, due_hour, soon_hour, items)
    SELECT model_id, reason, floor(extract(epoch from due_at) / 3600)::bigint, floor(extract(epoch from due_soon_at) / 3600)::bigint, -count(*)
    FROM old_rows WHERE status <> 'decided' GROUP BY 1, 2, 3, 4;
  ELSE
    -- A claim or a release moves nothing (same bucket, -1 and +1): only net changes are written.
    INSERT INTO review_queue_counts (model_id, reason, due_hour, soon_hour, items)
    SELECT model_id, reason, due_hour, soon_hour, sum(n) FROM (
      SELECT model_id, reason, floor(extract(epoch from due_at) / 3600)::bigint AS due_hour,
        floor(extract(epoch from due_soon_at) / 3600)::bigint AS soon_hour, 1 AS n FROM new_rows WHERE status <> 'decided'
      UNION ALL
      SELECT model_id, reason, floor(extract(epoch from due_at) / 3600)::bigint, floor(extract(epoch from due_soon_at) / 3600)::bigint, -1
      FROM old_rows WHERE status <> 'decided'
    ) changes GROUP BY 1, 2, 3, 4 HAVING sum(n) <> 0;
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER review_items_count_insert AFTER INSERT ON "review_items" REFERENCING NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION oversight_count_review_queue();
--> statement-breakpoint
CREATE TRIGGER review_items_count_update AFTER UPDATE ON "review_items" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION oversight_count_review_queue();
--> statement-breakpoint
CREATE TRIGGER review_items_count_delete AFTER DELETE ON "review_items" REFERENCING OLD TABLE AS old_rows
	FOR EACH STATEMENT EXECUTE FUNCTION oversight_count_review_queue();
--> statement-breakpoint
CREATE TRIGGER review_items_count_truncate AFTER TRUNCATE ON "review_items"
	FOR EACH STATEMENT EXECUTE FUNCTION oversight_count_review_queue();
--> statement-breakpoint
-- The items already there.
INSERT INTO "review_queue_counts" ("model_id", "reason", "due_hour", "soon_hour", "items")
SELECT "model_id", "reason", floor(extract(epoch from "due_at") / 3600)::bigint, floor(extract(epoch from "due_soon_at") / 3600)::bigint, count(*)
FROM "review_items" WHERE "status" <> 'decided' GROUP BY 1, 2, 3, 4;
--> statement-breakpoint
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'oversight_runtime') THEN
    GRANT SELECT, INSERT, DELETE ON "review_queue_counts" TO oversight_runtime;
    GRANT USAGE, SELECT ON SEQUENCE "review_queue_counts_id_seq" TO oversight_runtime;
  END IF;
END
$$;
