import fs from "node:fs";
import path from "node:path";
import Papa from "papaparse";
import { afterAll, beforeAll, expect, inject, it } from "vitest";
import { createApiKey } from "@/db/queries/api-keys";
import { CREDIT_MODEL_INPUTS } from "@/lib/demo/credit-data";
import { seedDemo } from "@/scripts/seed/demo-seed";
import { openTestDatabase, resetDemoDeployment } from "@/scripts/testing/database";
import { startWorkerProcess } from "@/scripts/testing/worker-process";

const { db, close } = openTestDatabase();
const reference = Papa.parse<Record<string, string>>(fs.readFileSync(path.resolve("scripts/demo/data/credit-reference.csv"), "utf8"), {
  header: true,
  skipEmptyLines: true,
}).data;
const instances = reference.slice(0, 200).map((row) => ({
  ...Object.fromEntries(CREDIT_MODEL_INPUTS.map((name) => [name, name === "has_mortgage" ? row[name] === "true" : Number(row[name])])),
  sex: row.sex,
}));

let apiKey: string;
beforeAll(async () => {
  await seedDemo(db);
  await resetDemoDeployment(db);
  apiKey = (await createApiKey(db, { name: "zero-loss test", scopes: ["predict"], modelIds: null, createdBy: null })).key;
});
afterAll(close);

it("a worker killed with SIGKILL under load loses no prediction whose answer was received", async () => {
  const worker = await startWorkerProcess({ databaseUrl: inject("databaseUrl") });
  const received: string[] = [];
  let failures = 0;
  let stop = false;
  // 16 clients in closed loops, the load under which group commit batches requests together.
  const client = async (clientIndex: number) => {
    for (let request = 0; !stop; request += 1) {
      try {
        const response = await fetch(`${worker.url}/api/v1/models/credit-default/predict`, {
          method: "POST",
          headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" },
          body: JSON.stringify({ instances: [instances[(clientIndex * 31 + request) % instances.length]] }),
        });
        if (response.status !== 200) throw new Error(`status ${response.status}`);
        const body = await response.json();
        received.push(body.predictions[0].predictionId);
      } catch {
        failures += 1;
        return;
      }
    }
  };
  const clients = Array.from({ length: 16 }, (_, index) => client(index));
  await new Promise((resolve) => setTimeout(resolve, 1_500));
  worker.process.child.kill("SIGKILL");
  // Clients keep sending until the process is gone, so requests in flight at the kill (or sent
  // just after it) are cut rather than the loop stopping cleanly first.
  await worker.process.exited;
  stop = true;
  await Promise.all(clients);

  expect(received.length).toBeGreaterThan(100);
  expect(failures).toBeGreaterThan(0);
  const stored = await db.$client`select id from predictions where id = any(${received}::uuid[])`;
  const storedIds = new Set(stored.map((row) => row.id));
  const lost = received.filter((id) => !storedIds.has(id));
  console.log(`answers received before SIGKILL: ${received.length}; connections cut: ${failures}; answered but not stored: ${lost.length}`);
  expect(lost).toEqual([]);
});
