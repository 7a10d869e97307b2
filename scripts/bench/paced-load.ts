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
 *
 * The generator shares the cores with what it measures, so it is kept lean, as autocannon is: one
 * request's bytes built once and written to plain sockets, answers read by Content-Length (Node's
 * http client cost several times more CPU per request). It reports its own lateness (when a request
 * left after it was due, because this process was busy or not scheduled) and its CPU per request.
 */
import net from "node:net";
import { performance } from "node:perf_hooks";
import { nearestRankQuantile } from "../lib/quantile";

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
  /** p99 of how late requests left this process with a socket free (its own lateness, part of their latency). */
  sendLateP99: number;
  /** This process's CPU per answered request, µs. */
  generatorCpuUs: number;
};

type TDue = { index: number; dueAt: number };
type TSlot = { socket: net.Socket; current: TDue | null; received: Buffer };

const HEADER_END = Buffer.from("\r\n\r\n");

export async function pacedLoad(options: {
  url: string;
  headers: Record<string, string>;
  body: string;
  rate: number;
  seconds: number;
  connections: number;
}): Promise<TPacedResult> {
  const target = new URL(options.url);
  const headerLines = Object.entries(options.headers).map(([name, value]) => `${name}: ${value}\r\n`);
  const request = Buffer.from(
    `POST ${target.pathname} HTTP/1.1\r\nhost: ${target.host}\r\n${headerLines.join("")}content-length: ${Buffer.byteLength(options.body)}\r\n\r\n${options.body}`,
  );
  const WARM_UP_SECONDS = 1;
  const total = Math.round(options.rate * (options.seconds + WARM_UP_SECONDS));
  const warmUpRequests = Math.round(options.rate * WARM_UP_SECONDS);
  const latencies: number[] = [];
  const sendLateness: number[] = [];
  let failed = 0;
  let finished = 0;
  const waiting: TDue[] = [];
  const idle: TSlot[] = [];
  let allDone: () => void = () => {};
  const done = new Promise<void>((resolve) => (allDone = resolve));

  const settle = (due: TDue, ok: boolean) => {
    if (due.index >= warmUpRequests) {
      if (ok) latencies.push(performance.now() - due.dueAt);
      else failed += 1;
    }
    finished += 1;
    if (finished === total) allDone();
  };
  const send = (slot: TSlot, due: TDue) => {
    slot.current = due;
    slot.socket.write(request);
  };
  /** Takes the slot's answer off its buffer once it is complete (one request per socket at a time: no pipelining). */
  const readAnswers = (slot: TSlot) => {
    const headerEnd = slot.received.indexOf(HEADER_END);
    if (headerEnd < 0 || !slot.current) return;
    const head = slot.received.subarray(0, headerEnd).toString("latin1");
    const length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? NaN);
    if (!Number.isFinite(length)) throw new Error(`an answer without Content-Length: ${head.split("\r\n")[0]}`);
    const end = headerEnd + HEADER_END.length + length;
    if (slot.received.length < end) return;
    const due = slot.current;
    slot.current = null;
    slot.received = slot.received.subarray(end);
    settle(due, head.startsWith("HTTP/1.1 200"));
    const next = waiting.shift();
    if (next) send(slot, next);
    else idle.push(slot);
  };
  const open = () =>
    new Promise<TSlot>((resolve, reject) => {
      const socket = net.connect(Number(target.port), target.hostname);
      const slot: TSlot = { socket, current: null, received: Buffer.alloc(0) };
      socket.setNoDelay(true);
      socket.once("connect", () => resolve(slot));
      socket.once("error", reject);
      socket.on("data", (chunk: Buffer) => {
        slot.received = slot.received.length === 0 ? chunk : Buffer.concat([slot.received, chunk]);
        readAnswers(slot);
      });
      // A connection the server dropped fails its request; the load goes on over the others.
      socket.on("close", () => {
        openSockets -= 1;
        if (idle.includes(slot)) idle.splice(idle.indexOf(slot), 1);
        if (slot.current) settle(slot.current, false);
        slot.current = null;
        if (openSockets === 0) for (const due of waiting.splice(0)) settle(due, false);
      });
    });
  const slots: TSlot[] = await Promise.all(Array.from({ length: options.connections }, open));
  let openSockets = slots.length;
  idle.push(...slots);

  const cpuBefore = process.cpuUsage();
  const start = performance.now();
  let sent = 0;
  while (sent < total) {
    const elapsed = performance.now() - start;
    const due = Math.min(total, Math.floor((elapsed / 1000) * options.rate) + 1);
    for (; sent < due; sent += 1) {
      const next = { index: sent, dueAt: start + (sent * 1000) / options.rate };
      const free = idle.pop();
      if (free) {
        // Sent late only if this process was late: a socket was free.
        if (next.index >= warmUpRequests) sendLateness.push(performance.now() - next.dueAt);
        send(free, next);
      } else if (openSockets > 0) waiting.push(next);
      else settle(next, false);
    }
    // Wake at the next request's due time (timers fire no sooner than ~1 ms, so a tick may send several).
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, start + (sent * 1000) / options.rate - performance.now())));
  }
  await done;
  const elapsedSeconds = (performance.now() - start) / 1000 - WARM_UP_SECONDS;
  const cpu = process.cpuUsage(cpuBefore);
  for (const slot of slots) slot.socket.destroy();
  latencies.sort((a, b) => a - b);
  sendLateness.sort((a, b) => a - b);
  return {
    offered: options.rate,
    answered: latencies.length,
    failed,
    rps: latencies.length / elapsedSeconds,
    p50: nearestRankQuantile(latencies, 0.5),
    p99: nearestRankQuantile(latencies, 0.99),
    max: latencies.at(-1) ?? NaN,
    overFiveMsShare: latencies.filter((latency) => latency > 5).length / Math.max(1, latencies.length),
    sendLateP99: nearestRankQuantile(sendLateness, 0.99),
    generatorCpuUs: (cpu.user + cpu.system) / Math.max(1, finished),
  };
}
