import { afterAll, expect, it } from "vitest";
import { openTestDatabase } from "@/scripts/testing/database";
import { createApiKey, touchApiKey } from "./api-keys";

const { db, close } = openTestDatabase();
afterAll(close);

/** The key's stamp, whether it is within the last minute, and its row version (xmin changes whenever the row is rewritten). */
async function stampOf(id: string) {
  const [row] = await db.$client<Array<{ lastUsedAt: string | null; recent: boolean | null; version: string }>>`
    select last_used_at::text as "lastUsedAt", last_used_at > now() - interval '1 minute' as recent, xmin::text as version
    from api_keys where id = ${id}`;
  return row;
}

it("stamps a key's last use once a minute: a second use within the minute rewrites nothing, a use after it does", async () => {
  const { id } = await createApiKey(db, { name: "touch-once-a-minute", scopes: ["predict"], modelIds: null, createdBy: null });
  expect((await stampOf(id)).lastUsedAt).toBeNull();

  await touchApiKey(db, id);
  const first = await stampOf(id);
  expect(first.recent).toBe(true);

  await touchApiKey(db, id);
  expect(await stampOf(id)).toEqual(first);

  // As if the last use were two minutes ago: the next use stamps it again.
  await db.$client`update api_keys set last_used_at = now() - interval '2 minutes' where id = ${id}`;
  expect((await stampOf(id)).recent).toBe(false);
  await touchApiKey(db, id);
  expect((await stampOf(id)).recent).toBe(true);
});
