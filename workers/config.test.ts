import { describe, expect, it } from "vitest";
import { readWorkerConfig } from "./config";

const base = { DATABASE_URL: "postgres://localhost/oversight" };

describe("readWorkerConfig", () => {
  it("applies the defaults and coerces numbers", () => {
    expect(readWorkerConfig(base)).toMatchObject({
      port: 3001,
      maxBatchInstances: 100,
      monitorIntervalMs: 60_000,
      canaryGuardIntervalMs: 30_000,
      consoleUrl: "http://localhost:3000",
    });
    expect(readWorkerConfig({ ...base, WORKER_PORT: "4001", MONITOR_INTERVAL_MS: "5000" })).toMatchObject({
      port: 4001,
      monitorIntervalMs: 5_000,
    });
  });

  it("treats an empty variable as unset", () => {
    expect(readWorkerConfig({ ...base, WORKER_PORT: "" }).port).toBe(3001);
  });

  it.each([
    ["MONITOR_INTERVAL_MS", "60s"],
    ["MONITOR_SETTLED_MS", "3600000"],
    ["WORKER_PORT", "70000"],
    ["MAX_BATCH_INSTANCES", "0"],
    ["LOG_LEVEL", "verbose"],
    ["NEXTAUTH_URL", "console.example"],
  ])("names %s when its value %s is bad", (name, value) => {
    expect(() => readWorkerConfig({ ...base, [name]: value })).toThrow(new RegExp(`^Worker configuration: ${name}: `));
  });

  it("names a missing DATABASE_URL", () => {
    expect(() => readWorkerConfig({})).toThrow("DATABASE_URL: is required");
  });
});
