/**
 * The web app's HTTP server: Next.js's own request handler behind a node:http server that gives
 * every response a Content-Security-Policy with a fresh nonce (lib/content-security-policy.ts).
 * Next.js could only do this in a proxy.ts at the repository's root, which this repo keeps fixed;
 * setting the policy on the request here is what such a proxy does, and Next reads the nonce from it.
 *
 *   tsx scripts/web-server.ts [--port 3000] [--host 127.0.0.1] [--dev]
 */
import { randomBytes } from "node:crypto";
import http from "node:http";
import process from "node:process";
import { parseArgs } from "node:util";
import { contentSecurityPolicy } from "@/lib/content-security-policy";

const { values } = parseArgs({
  options: {
    port: { type: "string", default: "3000" },
    host: { type: "string", default: "127.0.0.1" },
    dev: { type: "boolean", default: false },
  },
});
const development = values.dev;
const port = Number(values.port);
if (!Number.isInteger(port) || port <= 0 || port > 65_535) throw new Error(`--port must be a TCP port, got ${values.port}`);
// Next decides production or development behaviour from NODE_ENV, as `next start` and `next dev` set it.
Object.assign(process.env, { NODE_ENV: development ? "development" : "production" });

async function main() {
  const { default: next } = await import("next");
  const app = next({ dev: development, hostname: values.host, port });
  await app.prepare();
  const handle = app.getRequestHandler();
  const server = http.createServer((request, response) => {
    const policy = contentSecurityPolicy({ nonce: randomBytes(16).toString("base64"), development });
    // A client's own CSP header would otherwise choose the nonce.
    request.headers["content-security-policy"] = policy;
    delete request.headers["content-security-policy-report-only"];
    response.setHeader("Content-Security-Policy", policy);
    void handle(request, response);
  });
  server.listen(port, values.host, () => console.log(`web app listening on http://${values.host}:${port}`));
  const stop = () => {
    server.closeAllConnections();
    server.close(() => process.exit(0));
  };
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
}

main().catch((error) => {
  console.error(`[web] could not start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
