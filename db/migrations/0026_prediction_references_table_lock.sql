-- Migration 0025's check locked the model, version and API key rows FOR KEY SHARE on every insert:
-- a row lock is a write (and a MultiXact when two commits name the same model), ~120–200 µs of the
-- ~490 µs PostgreSQL spent on a 3-row commit (issue 17). The lock moves to the rare side: removing
-- or re-keying a model, version or API key first takes SHARE on predictions, which waits for every
-- insert in flight and holds new ones until it ends. An insert's check then needs no row lock.
--
-- Why that is enough, in READ COMMITTED (each statement of the check takes a fresh snapshot):
-- - insert first: the remover waits for it to commit, then finds its prediction and refuses;
-- - remover first: the insert waits for it to end, then its check no longer finds the row and fails.
-- Under REPEATABLE READ or SERIALIZABLE a snapshot may predate the other side's commit, so inserts
-- there keep the row locks (which fail on a concurrently removed row), and removals are refused.
CREATE OR REPLACE FUNCTION oversight_check_prediction_references() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  missing record;
BEGIN
  IF current_setting('transaction_isolation') <> 'read committed' THEN
    PERFORM 1 FROM models m WHERE m.id IN (SELECT model_id FROM new_rows) FOR KEY SHARE;
    PERFORM 1 FROM model_versions v WHERE v.id IN (SELECT model_version_id FROM new_rows) FOR KEY SHARE;
    PERFORM 1 FROM api_keys k WHERE k.id IN (SELECT api_key_id FROM new_rows) FOR KEY SHARE;
  END IF;
  SELECT r.id, r.model_id, r.model_version_id, r.api_key_id INTO missing FROM new_rows r
  WHERE NOT EXISTS (SELECT 1 FROM models m WHERE m.id = r.model_id)
     OR (r.model_version_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM model_versions v WHERE v.id = r.model_version_id))
     OR (r.api_key_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM api_keys k WHERE k.id = r.api_key_id))
  LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION 'prediction % names a model, version or API key that does not exist (model %, version %, API key %)',
      missing.id, missing.model_id, coalesce(missing.model_version_id::text, 'none'), coalesce(missing.api_key_id::text, 'none')
      USING ERRCODE = 'foreign_key_violation', TABLE = 'predictions', CONSTRAINT = 'predictions_references';
  END IF;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
-- Once per statement, before any row is locked: a row trigger would hold the model's row while it
-- waits, and an insert in flight may need that row (review_items keeps plain foreign keys).
-- SECURITY DEFINER: SHARE needs more than the runtime role's INSERT on predictions.
CREATE FUNCTION oversight_hold_prediction_inserts() RETURNS trigger LANGUAGE plpgsql
SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  -- Inserts go through the parent (0025), which each of them locks: no need to lock every month.
  LOCK TABLE ONLY predictions IN SHARE MODE;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION oversight_refuse_referenced_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('transaction_isolation') <> 'read committed' THEN
    RAISE EXCEPTION 'cannot remove % % from % in a % transaction: a prediction committed after its snapshot would go unseen; use READ COMMITTED',
      TG_TABLE_NAME, OLD.id, TG_TABLE_NAME, upper(current_setting('transaction_isolation'))
      USING ERRCODE = 'object_not_in_prerequisite_state', TABLE = TG_TABLE_NAME, CONSTRAINT = 'predictions_references';
  END IF;
  IF (TG_TABLE_NAME = 'models' AND EXISTS (SELECT 1 FROM predictions WHERE model_id = OLD.id))
     OR (TG_TABLE_NAME = 'model_versions' AND EXISTS (SELECT 1 FROM predictions WHERE model_version_id = OLD.id))
     OR (TG_TABLE_NAME = 'api_keys' AND EXISTS (SELECT 1 FROM predictions WHERE api_key_id = OLD.id)) THEN
    RAISE EXCEPTION 'cannot remove % % from %: stored predictions name it', TG_TABLE_NAME, OLD.id, TG_TABLE_NAME
      USING ERRCODE = 'foreign_key_violation', TABLE = TG_TABLE_NAME, CONSTRAINT = 'predictions_references';
  END IF;
  IF TG_OP = 'DELETE' THEN
    RETURN OLD;
  END IF;
  RETURN NEW;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER models_hold_prediction_inserts BEFORE DELETE OR UPDATE OF id ON models
  FOR EACH STATEMENT EXECUTE FUNCTION oversight_hold_prediction_inserts();
--> statement-breakpoint
CREATE TRIGGER model_versions_hold_prediction_inserts BEFORE DELETE OR UPDATE OF id ON model_versions
  FOR EACH STATEMENT EXECUTE FUNCTION oversight_hold_prediction_inserts();
--> statement-breakpoint
CREATE TRIGGER api_keys_hold_prediction_inserts BEFORE DELETE OR UPDATE OF id ON api_keys
  FOR EACH STATEMENT EXECUTE FUNCTION oversight_hold_prediction_inserts();
