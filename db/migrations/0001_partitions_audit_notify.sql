-- Monthly partitions of predictions. The default partition catches rows outside every
-- prepared month, so an insert never fails; the worker's maintenance job prepares months ahead.
CREATE OR REPLACE FUNCTION oversight_ensure_prediction_partitions(months_ahead integer DEFAULT 2)
RETURNS void LANGUAGE plpgsql AS $$
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
    END IF;
  END LOOP;
END;
$$;
--> statement-breakpoint
CREATE TABLE IF NOT EXISTS predictions_default PARTITION OF predictions DEFAULT;
--> statement-breakpoint
SELECT oversight_ensure_prediction_partitions(2);
--> statement-breakpoint
-- The audit trail is append-only: the database itself refuses to change or remove a record.
CREATE OR REPLACE FUNCTION oversight_refuse_audit_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_records is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER audit_records_append_only
  BEFORE UPDATE OR DELETE ON audit_records
  FOR EACH ROW EXECUTE FUNCTION oversight_refuse_audit_change();
--> statement-breakpoint
CREATE TRIGGER audit_records_no_truncate
  BEFORE TRUNCATE ON audit_records
  FOR EACH STATEMENT EXECUTE FUNCTION oversight_refuse_audit_change();
--> statement-breakpoint
-- Every change of a deployment, however it is made, tells the workers which model to re-read.
CREATE OR REPLACE FUNCTION oversight_notify_deployment_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('deployment_changed', NEW.model_id::text);
  RETURN NEW;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER deployments_notify
  AFTER INSERT OR UPDATE ON deployments
  FOR EACH ROW EXECUTE FUNCTION oversight_notify_deployment_change();
