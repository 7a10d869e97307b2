// The admin's disable / enable action, through defineAction as the page calls it: only the
// users.manage capability may use it, an admin cannot disable themself, and each change is audited.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { seedDemo } from "@/scripts/seed/demo-seed";
import { signInAs, useTestDatabaseForApp } from "@/scripts/testing/app-session";
import { openTestDatabase } from "@/scripts/testing/database";
import { setUserDisabledAction } from "./actions";

vi.mock("@/app/_server/auth", () => import("@/scripts/testing/app-session"));
vi.mock("next/cache", () => ({ revalidatePath: () => {}, revalidateTag: () => {} }));

const { db, close } = openTestDatabase();
const closeAppDatabase = useTestDatabaseForApp();
let analystId = "";
let adminId = "";
const disabledAt = async (id: string) => (await db.$client`select disabled_at from users where id = ${id}`)[0].disabled_at as string | null;
const auditCount = async (action: string, id: string) =>
  (await db.$client`select count(*)::int as count from audit_records where action = ${action} and subject_id = ${id}`)[0].count as number;

beforeAll(async () => {
  await seedDemo(db);
  [{ id: analystId }] = await db.$client`select id from users where email = 'analyst@oversight.test'`;
  [{ id: adminId }] = await db.$client`select id from users where email = 'admin@oversight.test'`;
});
afterAll(async () => {
  await db.$client`update users set disabled_at = null where id = ${analystId}`;
  await signInAs(db, null);
  await closeAppDatabase();
  await close();
});

describe("disabling and enabling users", () => {
  it("is refused to a role without users.manage, with nothing changed", async () => {
    await signInAs(db, "committee@oversight.test");
    const result = await setUserDisabledAction({ userId: analystId, disabled: true });
    expect(result).toMatchObject({ ok: false, status: 403 });
    expect(await disabledAt(analystId)).toBeNull();
  });

  it("an admin disables and re-enables a user, each audited once", async () => {
    await signInAs(db, "admin@oversight.test");
    const [disabledBefore, enabledBefore] = [
      await auditCount("admin.user_disabled", analystId),
      await auditCount("admin.user_enabled", analystId),
    ];
    expect(await setUserDisabledAction({ userId: analystId, disabled: true })).toMatchObject({
      ok: true,
      data: { disabled: true, changed: true },
    });
    expect(await disabledAt(analystId)).not.toBeNull();
    // Disabling twice changes nothing and audits nothing.
    expect(await setUserDisabledAction({ userId: analystId, disabled: true })).toMatchObject({ ok: true, data: { changed: false } });
    expect(await setUserDisabledAction({ userId: analystId, disabled: false })).toMatchObject({
      ok: true,
      data: { disabled: false, changed: true },
    });
    expect(await disabledAt(analystId)).toBeNull();
    expect(await auditCount("admin.user_disabled", analystId)).toBe(disabledBefore + 1);
    expect(await auditCount("admin.user_enabled", analystId)).toBe(enabledBefore + 1);
  });

  it("an admin cannot disable themself; a bad id is a 4xx naming the field", async () => {
    await signInAs(db, "admin@oversight.test");
    expect(await setUserDisabledAction({ userId: adminId, disabled: true })).toMatchObject({ ok: false, status: 409 });
    expect(await disabledAt(adminId)).toBeNull();
    const bad = await setUserDisabledAction({ userId: "not-a-uuid", disabled: true });
    expect(bad.ok).toBe(false);
    expect(JSON.stringify(bad)).toContain("userId");
  });
});
