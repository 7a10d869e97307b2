import { randomBytes } from "node:crypto";
import Fastify, { type FastifyReply, type FastifyRequest } from "fastify";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createApiKey, revokeApiKey } from "@/db/queries/api-keys";
import { openTestDatabase } from "@/scripts/testing/database";
import { createApiKeyAuth } from "./api-key-auth";

const { db, close } = openTestDatabase();
const VALID_TTL_MS = 500;
const MAX_REJECTED = 1_000;
const authenticate = createApiKeyAuth(db, { validTtlMs: VALID_TTL_MS, rejectedTtlMs: 60_000, maxRejected: MAX_REJECTED });
const app = Fastify();
app.get("/probe", async (request, reply) => {
  const caller = await authenticate(request, reply, "predictions.create");
  return caller ? { ok: true } : reply;
});
const probe = (key: string) => app.inject({ method: "GET", url: "/probe", headers: { authorization: `Bearer ${key}` } });

let key: { id: string; key: string };
beforeAll(async () => {
  key = await createApiKey(db, { name: "key cache test", scopes: ["predict"], modelIds: null, createdBy: null });
  await app.ready();
});
afterAll(async () => {
  await app.close();
  await close();
});

it("20,000 random keys leave the caches at their bounds; a valid key still works and a revoked one stops within the TTL", async () => {
  // 18,000 keys of 8 KB (refused by length: never looked up nor cached) and 2,000 of a real key's
  // shape (looked up once each), called directly: fastify's inject of 8 KB headers would be most of the time.
  const longKeyBase = randomBytes(6_144).toString("base64url");
  const statuses: number[] = [];
  const reply = { code: (status: number) => (statuses.push(status), reply), send: async () => reply } as unknown as FastifyReply;
  for (let start = 0; start < 20_000; start += 100) {
    await Promise.all(
      Array.from({ length: 100 }, (_, offset) => {
        const index = start + offset;
        const presented = index % 10 === 0 ? `ovk_${randomBytes(32).toString("base64url")}` : `${index}-${longKeyBase}`;
        const request = { headers: { authorization: `Bearer ${presented}` } } as FastifyRequest;
        return authenticate(request, reply, "predictions.create");
      }),
    );
  }
  expect(statuses).toEqual(Array.from({ length: 20_000 }, () => 401));
  expect(authenticate.cacheSize()).toEqual({ valid: 0, rejected: MAX_REJECTED });

  expect((await probe(key.key)).statusCode).toBe(200);
  expect(authenticate.cacheSize().valid).toBe(1);

  await revokeApiKey(db, key.id);
  const revokedAt = Date.now();
  let status = 200;
  while (status === 200 && Date.now() - revokedAt < VALID_TTL_MS * 4) {
    status = (await probe(key.key)).statusCode;
    if (status === 200) await new Promise((resolve) => setTimeout(resolve, 50));
  }
  expect(status).toBe(401);
  expect(Date.now() - revokedAt).toBeLessThanOrEqual(VALID_TTL_MS + 200);
});
