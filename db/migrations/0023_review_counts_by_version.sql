-- The review queue's bucket counts (0018) per version as well, so a version's card and page count
-- its undecided items from the buckets: a count over the items read every open item of the version
-- (230 ms for 200,000 open items, bench:pages at 10 M predictions a month).
ALTER TABLE "review_queue_counts" ADD COLUMN "model_version_id" uuid;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION oversight_count_review_queue() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'TRUNCATE' THEN
    DELETE FROM review_queue_counts;
  ELSIF TG_OP = 'INSERT' THEN
    INSERT INTO review_queue_counts (model_id, model_version_id, reason, due_hour, soon_hour, items)
    SELECT model_id, model_version_id, reason, floor(extract(epoch from due_at) / 3600)::bigint, floor(extract(epoch from due_soon_at) / 3600)::bigint, count(*)
    FROM new_rows WHERE status <> 'decided' GROUP BY 1, 2, 3, 4, 5;
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO review_queue_counts (model_id, model_version_id, reason, due_hour, soon_hour, items)
    SELECT model_id, model_version_id, reason, floor(extract(epoch from due_at) / 3600)::bigint, floor(extract(epoch from due_soon_at) / 3600)::bigint, -count(*)
    FROM old_rows WHERE status <> 'decided' GROUP BY 1, 2, 3, 4, 5;
  ELSE
    -- A claim or a release moves nothing (same bucket, -1 and +1): only net changes are written.
    INSERT INTO review_queue_counts (model_id, model_version_id, reason, due_hour, soon_hour, items)
    SELECT model_id, model_version_id, reason, due_hour, soon_hour, sum(n) FROM (
      SELECT model_id, model_version_id, reason, floor(extract(epoch from due_at) / 3600)::bigint AS due_hour,
        floor(extract(epoch from due_soon_at) / 3600)::bigint AS soon_hour, 1 AS n FROM new_rows WHERE status <> 'decided'
      UNION ALL
      SELECT model_id, model_version_id, reason, floor(extract(epoch from due_at) / 3600)::bigint, floor(extract(epoch from due_soon_at) / 3600)::bigint, -1
      FROM old_rows WHERE status <> 'decided'
    ) changes GROUP BY 1, 2, 3, 4, 5 HAVING sum(n) <> 0;
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
-- Recounted with the version: the same totals per model, reason and hour, split by version.
DELETE FROM "review_queue_counts";
--> statement-breakpoint
INSERT INTO "review_queue_counts" ("model_id", "model_version_id", "reason", "due_hour", "soon_hour", "items")
SELECT "model_id", "model_version_id", "reason", floor(extract(epoch from "due_at") / 3600)::bigint, floor(extract(epoch from "due_soon_at") / 3600)::bigint, count(*)
FROM "review_items" WHERE "status" <> 'decided' GROUP BY 1, 2, 3, 4, 5;
