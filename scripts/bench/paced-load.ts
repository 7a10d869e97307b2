/**
 * An open-loop load at a steady rate, for "latency at half of peak".
 *
 * autocannon's `overallRate` is not a steady rate: each connection sends its whole quota for the
 * second as fast as it can when the second starts, then waits (lib/httpClient.js,
 * `reqsMadeThisSecond`), so "half of peak" is peak load for half of each second. Here request i is
 * due at start + i / rate; it is sent when due (over at most `connections` kept-alive sockets, queued
 * when all are busy) and its latency runs from when it was due, not from when it was sent, so a
 * slow answer that delays the next requests counts against them too (no coordinated omission). The
 * first second warms up (sockets opened, JIT) and is not counted.
 */
import http from "node:http";
import { performance } from "node:perf_hooks";

export type TPacedResult = {
  offered: number;
  answered: number;
  failed: number;
  rps: number;
  p50: number;
  p99: number;
  max: number;
  /** Answered requests that took more than 5 ms, as a share of all answered. */
  overFiveMsShare: number;
};

export async function pacedLoad(options: {
  url: string;
  headers: Record<string, string>;
  body: string;
  rate: number;
  seconds: number;
  connections: number;
}): Promise<TPacedResult> {
  const target = new URL(options.url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.connections });
  const headers = { ...options.headers, "content-length": Buffer.byteLength(options.body) };
  const WARM_UP_SECONDS = 1;
  const total = Math.round(options.rate * (options.seconds + WARM_UP_SECONDS));
  const warmUpRequests = Math.round(options.rate * WARM_UP_SECONDS);
  const latencies: number[] = [];
  let failed = 0;
  let sent = 0;
  const start = performance.now();

  const send = (index: number, dueAt: number) =>
    new Promise<void>((resolve) => {
      const request = http.request(
        { host: target.hostname, port: target.port, path: target.pathname, method: "POST", headers, agent },
        (response) => {
          response.resume();
          response.on("end", () => {
            if (index >= warmUpRequests) {
              if (response.statusCode === 200) latencies.push(performance.now() - dueAt);
              else failed += 1;
            }
            resolve();
          });
        },
      );
      request.on("error", () => {
        if (index >= warmUpRequests) failed += 1;
        resolve();
      });
      request.end(options.body);
    });

  const inFlight: Array<Promise<void>> = [];
  while (sent < total) {
    const elapsed = performance.now() - start;
    const due = Math.min(total, Math.floor((elapsed / 1000) * options.rate) + 1);
    for (; sent < due; sent += 1) inFlight.push(send(sent, start + (sent * 1000) / options.rate));
    // Wake at the next request's due time (timers fire no sooner than ~1 ms, so a tick may send several).
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, start + (sent * 1000) / options.rate - performance.now())));
  }
  await Promise.all(inFlight);
  const elapsedSeconds = (performance.now() - start) / 1000 - WARM_UP_SECONDS;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const quantile = (q: number) => (latencies.length ? latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] : NaN);
  return {
    offered: options.rate,
    answered: latencies.length,
    failed,
    rps: latencies.length / elapsedSeconds,
    p50: quantile(0.5),
    p99: quantile(0.99),
    max: latencies.at(-1) ?? NaN,
    overFiveMsShare: latencies.filter((latency) => latency > 5).length / Math.max(1, latencies.length),
  };
}
