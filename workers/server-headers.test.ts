import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import type { TDatabase } from "@/db/connection";
import { buildWorkerServer } from "./server";

describe("the worker's HTTP answers", () => {
  it("carry nosniff and a CSP that allows nothing, on success, on 404 and on a refused body", async () => {
    // /health and the refusals below never reach the database.
    const app = buildWorkerServer({ db: {} as TDatabase, logLevel: "silent", isReady: () => true });
    app.post("/echo", async (request) => request.body);
    const responses = [
      await app.inject({ method: "GET", url: "/health" }),
      await app.inject({ method: "GET", url: "/no-such-route" }),
      await app.inject({ method: "POST", url: "/echo", headers: { "content-type": "application/json" }, payload: "{not json" }),
    ];
    expect(responses.map((response) => response.statusCode)).toEqual([200, 404, 400]);
    for (const response of responses) {
      expect(response.headers["x-content-type-options"]).toBe("nosniff");
      expect(response.headers["content-security-policy"]).toBe("default-src 'none'; frame-ancestors 'none'");
    }
    await app.close();
  });

  it("log no line per request, even at info level, but do log a failure", async () => {
    const lines: string[] = [];
    const logStream = new PassThrough().on("data", (chunk: Buffer) => lines.push(...chunk.toString("utf8").split("\n").filter(Boolean)));
    const app = buildWorkerServer({ db: {} as TDatabase, logLevel: "info", isReady: () => true, logStream });
    app.get("/boom", async () => {
      throw new Error("boom");
    });
    expect((await app.inject({ method: "GET", url: "/health" })).statusCode).toBe(200);
    expect((await app.inject({ method: "GET", url: "/boom" })).statusCode).toBe(500);
    await app.close();
    expect(lines.map((line) => JSON.parse(line).msg)).toEqual(["request failed"]);
  });
});
