import { afterAll, expect, it } from "vitest";
import { openTestDatabase } from "@/scripts/testing/database";
import { seedDemo } from "./demo-seed";

const { db, close } = openTestDatabase();
afterAll(close);

it("validates the demo challenger 1.1.0 with the validation job, so its status has gate results behind it", async () => {
  await seedDemo(db);
  // Integration files share one database: the first run of 1.1.0 is the seed's, whatever ran since.
  const [run] = await db.$client`
    select r.status, (select count(*)::int from gate_results g where g.validation_run_id = r.id) as gates
    from validation_runs r join model_versions v on v.id = r.model_version_id join models m on m.id = v.model_id
    where m.slug = 'credit-default' and v.version = '1.1.0' order by r.started_at asc limit 1`;
  expect(run).toEqual({ status: "passed", gates: 7 });
});
