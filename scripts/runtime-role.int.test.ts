import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inject } from "vitest";
import { closeDatabase, createDatabase, type TDatabase } from "@/db/connection";
import { runtimeUrlFor } from "@/scripts/lib/database";
import { appendAuditRecord } from "@/db/audit";
import { RUNTIME_ROLE } from "@/db/runtime-role";

// The app and the worker connect as the runtime role (migration 0013). As the owner or a superuser
// every statement refused below succeeds: that is what the split takes away from a serving process.
let runtime: TDatabase;
beforeAll(async () => {
  runtime = createDatabase(await runtimeUrlFor(inject("databaseUrl")), { maxConnections: 1 });
});
afterAll(() => closeDatabase(runtime));

const refusal = (statement: Promise<unknown>) =>
  statement.then(
    () => "allowed",
    (error: { code?: string }) => error.code,
  );

describe("the runtime role", () => {
  it("is the role the connection uses, and not a superuser", async () => {
    const [row] = await runtime.$client<
      Array<{ user: string; superuser: string }>
    >`select current_user as user, current_setting('is_superuser') as superuser`;
    expect(row).toEqual({ user: RUNTIME_ROLE, superuser: "off" });
  });

  it("appends audit records and reads them", async () => {
    const record = await runtime.transaction((tx) =>
      appendAuditRecord(tx, { actorId: null, actorLabel: "test", action: "test.runtime_role", subjectType: "test", input: {} }),
    );
    expect(record.sequence).toBeGreaterThan(0);
  });

  it("cannot change, remove or truncate audit records, turn their triggers off, or bypass triggers for its session", async () => {
    // 42501 insufficient_privilege: refused by the grants, before any trigger runs.
    expect(await refusal(runtime.$client`update audit_records set action = 'rewritten'`)).toBe("42501");
    expect(await refusal(runtime.$client`delete from audit_records`)).toBe("42501");
    expect(await refusal(runtime.$client`truncate audit_records`)).toBe("42501");
    expect(await refusal(runtime.$client`alter table audit_records disable trigger all`)).toBe("42501");
    expect(await refusal(runtime.$client`set session_replication_role = replica`)).toBe("42501");
    expect(await refusal(runtime.$client`drop table audit_records`)).toBe("42501");
  });

  it("prepares prediction partitions and drops a month of predictions only through the owner's functions", async () => {
    expect(await refusal(runtime.$client`select oversight_ensure_prediction_partitions(3)`)).toBe("allowed");
    const [{ name }] = await runtime.$client<
      Array<{ name: string }>
    >`select to_char(date_trunc('month', now()) + interval '3 months', '"predictions_"YYYY_MM') as name`;
    const [{ owner }] = await runtime.$client<
      Array<{ owner: string }>
    >`select tableowner as owner from pg_tables where tablename = ${name}`;
    expect(owner).not.toBe(RUNTIME_ROLE);
    expect(await refusal(runtime.$client.unsafe(`drop table ${name}`))).toBe("42501");
    // 22023 invalid_parameter_value: the function drops monthly partitions of predictions and nothing else.
    expect(await refusal(runtime.$client`select oversight_drop_prediction_partition('audit_records')`)).toBe("22023");
    expect(await refusal(runtime.$client`select oversight_drop_prediction_partition(${name})`)).toBe("allowed");
    const remaining = await runtime.$client`select 1 from pg_tables where tablename = ${name}`;
    expect(remaining.length).toBe(0);
  });
});
