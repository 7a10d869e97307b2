import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

export type TReceivedAlert = { text: string; event: string; alert: { id: string; title: string; severity: string; value: number | null } };

/** A real local HTTP receiver for the integration tests: it answers 200 and keeps every JSON body it is sent. */
export async function startWebhookReceiver(): Promise<{ url: string; received: TReceivedAlert[]; close: () => Promise<void> }> {
  const received: TReceivedAlert[] = [];
  const server = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk) => (body += chunk));
    request.on("end", () => {
      received.push(JSON.parse(body) as TReceivedAlert);
      response.writeHead(200).end("ok");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return { url, received, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
