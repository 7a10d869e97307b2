-- predictions' three foreign keys checked every row with a query of its own per key: 16 of the 43 µs
-- of PostgreSQL CPU a stored prediction cost in 20-row batches (pgbench, issue 17). One check per
-- statement over the batch (a transition table) keeps the same guarantee: every stored prediction
-- names an existing model, version and API key, and none of those can be deleted while it does.
ALTER TABLE "predictions" DROP CONSTRAINT IF EXISTS "predictions_model_id_models_id_fk";
--> statement-breakpoint
ALTER TABLE "predictions" DROP CONSTRAINT IF EXISTS "predictions_model_version_id_model_versions_id_fk";
--> statement-breakpoint
ALTER TABLE "predictions" DROP CONSTRAINT IF EXISTS "predictions_api_key_id_api_keys_id_fk";
--> statement-breakpoint
CREATE FUNCTION oversight_check_prediction_references() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  missing record;
BEGIN
  -- Lock the named rows as a foreign key does (KEY SHARE): a concurrent delete waits for this
  -- transaction, then finds the predictions (oversight_refuse_referenced_delete) and fails.
  PERFORM 1 FROM models m WHERE m.id IN (SELECT model_id FROM new_rows) FOR KEY SHARE;
  PERFORM 1 FROM model_versions v WHERE v.id IN (SELECT model_version_id FROM new_rows) FOR KEY SHARE;
  PERFORM 1 FROM api_keys k WHERE k.id IN (SELECT api_key_id FROM new_rows) FOR KEY SHARE;
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
-- Transition tables allow one event per trigger.
CREATE TRIGGER predictions_references_insert AFTER INSERT ON predictions REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION oversight_check_prediction_references();
--> statement-breakpoint
CREATE TRIGGER predictions_references_update AFTER UPDATE ON predictions REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION oversight_check_prediction_references();
--> statement-breakpoint
-- The other side of the references: a model, version or API key named by a stored prediction stays.
-- (predictions has no index on api_key_id: deleting an API key scans it; keys are revoked, not deleted.)
CREATE FUNCTION oversight_refuse_referenced_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
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
CREATE TRIGGER models_predictions_references BEFORE DELETE ON models FOR EACH ROW EXECUTE FUNCTION oversight_refuse_referenced_delete();
--> statement-breakpoint
CREATE TRIGGER models_predictions_references_id BEFORE UPDATE OF id ON models FOR EACH ROW
  WHEN (OLD.id IS DISTINCT FROM NEW.id) EXECUTE FUNCTION oversight_refuse_referenced_delete();
--> statement-breakpoint
CREATE TRIGGER model_versions_predictions_references BEFORE DELETE ON model_versions FOR EACH ROW EXECUTE FUNCTION oversight_refuse_referenced_delete();
--> statement-breakpoint
CREATE TRIGGER model_versions_predictions_references_id BEFORE UPDATE OF id ON model_versions FOR EACH ROW
  WHEN (OLD.id IS DISTINCT FROM NEW.id) EXECUTE FUNCTION oversight_refuse_referenced_delete();
--> statement-breakpoint
CREATE TRIGGER api_keys_predictions_references BEFORE DELETE ON api_keys FOR EACH ROW EXECUTE FUNCTION oversight_refuse_referenced_delete();
--> statement-breakpoint
CREATE TRIGGER api_keys_predictions_references_id BEFORE UPDATE OF id ON api_keys FOR EACH ROW
  WHEN (OLD.id IS DISTINCT FROM NEW.id) EXECUTE FUNCTION oversight_refuse_referenced_delete();
--> statement-breakpoint
-- The check fires for rows inserted through predictions, not for rows written into a month's
-- partition by name: the runtime role may only write through the parent.
DO $$
DECLARE
  partition_name text;
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'oversight_runtime') THEN
    FOR partition_name IN SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'predictions'::regclass LOOP
      EXECUTE format('REVOKE INSERT, UPDATE ON %I FROM oversight_runtime', partition_name);
    END LOOP;
  END IF;
END
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION oversight_ensure_prediction_partitions(months_ahead integer DEFAULT 2)
RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  month_start date := date_trunc('month', now())::date;
  partition_start date;
  partition_name text;
BEGIN
  FOR offset_months IN 0..months_ahead LOOP
    partition_start := (month_start + make_interval(months => offset_months))::date;
    partition_name := format('predictions_%s', to_char(partition_start, 'YYYY_MM'));
    IF to_regclass(partition_name) IS NULL THEN
      EXECUTE format(
        'CREATE TABLE %I PARTITION OF predictions FOR VALUES FROM (%L) TO (%L)',
        partition_name, partition_start, (partition_start + interval '1 month')::date
      );
      -- Written through predictions only, where the references are checked (above).
      IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'oversight_runtime') THEN
        EXECUTE format('REVOKE INSERT, UPDATE ON %I FROM oversight_runtime', partition_name);
      END IF;
    END IF;
  END LOOP;
END;
$$;
