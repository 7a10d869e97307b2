-- The app and the worker connect as oversight_runtime: it reads and writes rows, appends audit
-- records, and owns nothing. Only the owner (who runs these migrations) can alter tables, turn
-- triggers off or SET session_replication_role, so the append-only trail holds against the
-- processes that serve requests. Roles are cluster-wide: an earlier database may have made it.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'oversight_runtime') THEN
    CREATE ROLE oversight_runtime LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS;
  END IF;
EXCEPTION
  WHEN duplicate_object OR unique_violation THEN NULL; -- made by a concurrent migration of another database
  WHEN insufficient_privilege THEN RAISE NOTICE 'no CREATEROLE: the app will connect as the owner (see db/README.md)';
END
$$;
--> statement-breakpoint
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'oversight_runtime') THEN
    EXECUTE format('GRANT CONNECT ON DATABASE %I TO oversight_runtime', current_database());
    GRANT USAGE ON SCHEMA public TO oversight_runtime;
    GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO oversight_runtime;
    GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO oversight_runtime;
    -- Appends only: the trail is never changed or removed, whatever the triggers say.
    REVOKE UPDATE, DELETE, TRUNCATE ON audit_records FROM oversight_runtime;
    -- Tables and partitions made later by the owner (migrations, the partition functions) get the same grants.
    ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO oversight_runtime;
    ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO oversight_runtime;
  END IF;
END
$$;
--> statement-breakpoint
-- The worker prepares monthly partitions; creating one needs the parent's owner, so the function
-- runs with its owner's rights and a fixed search_path (it only ever creates predictions_YYYY_MM).
ALTER FUNCTION oversight_ensure_prediction_partitions(integer) SECURITY DEFINER SET search_path = public, pg_temp;
--> statement-breakpoint
-- Retention drops whole months of predictions; that needs the owner too, so this function does
-- it for the runtime role and for nothing but a monthly partition of predictions.
CREATE OR REPLACE FUNCTION oversight_drop_prediction_partition(partition_name text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  IF partition_name !~ '^predictions_[0-9]{4}_[0-9]{2}$' OR NOT EXISTS (
    SELECT 1 FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
    WHERE i.inhparent = 'predictions'::regclass AND c.relname = partition_name
  ) THEN
    RAISE EXCEPTION 'not a monthly partition of predictions: %', partition_name USING ERRCODE = 'invalid_parameter_value';
  END IF;
  EXECUTE format('ALTER TABLE predictions DETACH PARTITION %I', partition_name);
  EXECUTE format('DROP TABLE %I', partition_name);
END;
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION oversight_drop_prediction_partition(text) FROM PUBLIC;
--> statement-breakpoint
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'oversight_runtime') THEN
    GRANT EXECUTE ON FUNCTION oversight_drop_prediction_partition(text) TO oversight_runtime;
  END IF;
END
$$;
