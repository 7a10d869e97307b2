import { expect, it } from "vitest";
import { supervise } from "@/lib/reliability/supervise";
import { describeExit, startProcess, stopProcess, superviseProcess, type TManagedProcess } from "./lib/processes";

const FAST_BACKOFF = { initialDelayMs: 50, maxDelayMs: 400, resetAfterHealthyMs: 60_000 };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

it("restarts a child that keeps exiting, waiting longer each time, with one log line per restart", async () => {
  const lines: Array<{ at: number; line: string }> = [];
  const supervisor = await superviseProcess({
    name: "crasher",
    command: process.execPath,
    args: ["-e", "process.exit(3)"],
    env: process.env,
    quiet: true,
    backoff: FAST_BACKOFF,
    log: (line) => lines.push({ at: Date.now(), line }),
  });
  // 50 + 100 + 200 + 400 ms of backoff, plus a node start-up per run (up to a second on a busy machine).
  for (let waitedMs = 0; lines.length < 5 && waitedMs < 20_000; waitedMs += 20) await sleep(20);
  await supervisor.stop();
  const countAtStop = lines.length;
  await sleep(600);

  expect(lines.length).toBe(countAtStop);
  expect(supervisor.restarts()).toBeGreaterThanOrEqual(4);
  expect(lines[0].line).toBe("crasher ended (code 3); restart 1 in 0.1 s");
  expect(lines.slice(0, 5).map(({ line }) => line.match(/in ([\d.]+) s$/)?.[1])).toEqual(["0.1", "0.1", "0.2", "0.4", "0.4"]);
  const gapsMs = lines.slice(0, 4).map(({ at }, index) => lines[index + 1].at - at);
  // Each gap is the backoff plus a node start-up, so it is at least the backoff.
  expect(gapsMs.map((gapMs, index) => gapMs >= [50, 100, 200, 400][index] - 5)).toEqual([true, true, true, true]);
});

it("restarts a long-running child killed with SIGKILL, and stop() ends it for good", async () => {
  const children: TManagedProcess[] = [];
  const lines: string[] = [];
  const supervisor = await supervise({
    name: "server",
    log: (line) => lines.push(line),
    backoff: FAST_BACKOFF,
    start: () => {
      const managed = startProcess({
        name: "server",
        command: process.execPath,
        args: ["-e", "setInterval(() => {}, 1000)"],
        env: process.env,
      });
      children.push(managed);
      return { exited: managed.exited.then(() => describeExit(managed)), stop: () => stopProcess(managed) };
    },
  });
  children[0].child.kill("SIGKILL");
  for (let waitedMs = 0; children.length < 2 && waitedMs < 5_000; waitedMs += 20) await sleep(20);

  expect(lines).toEqual(["server ended (signal SIGKILL); restart 1 in 0.1 s"]);
  expect(children).toHaveLength(2);
  const pid = children[1].child.pid!;
  expect(isAlive(pid)).toBe(true);

  await supervisor.stop();
  expect(isAlive(pid)).toBe(false);
  await sleep(300);
  expect(children).toHaveLength(2);
});

it("retries a start that throws, and a stop() during the backoff cancels the restart", async () => {
  let attempts = 0;
  const lines: string[] = [];
  let resolveExit: (how: string) => void = () => {};
  const supervisor = await supervise({
    name: "flaky",
    log: (line) => lines.push(line),
    backoff: FAST_BACKOFF,
    start: () => {
      attempts += 1;
      if (attempts === 2) throw new Error("port in use");
      return { exited: new Promise<string>((resolve) => (resolveExit = resolve)), stop: async () => resolveExit("stopped") };
    },
  });
  resolveExit("code 1");
  for (let waitedMs = 0; attempts < 3 && waitedMs < 2_000; waitedMs += 10) await sleep(10);
  expect(attempts).toBe(3);
  expect(lines).toEqual(["flaky ended (code 1); restart 1 in 0.1 s", "flaky ended (failed to start: port in use); restart 2 in 0.1 s"]);

  resolveExit("code 1");
  await supervisor.stop();
  await sleep(300);
  expect(attempts).toBe(3);
});

it("after expectExit() a child that ends (as on a terminal's Ctrl-C, which reaches every child) is not restarted", async () => {
  const lines: string[] = [];
  let starts = 0;
  let managed!: TManagedProcess;
  const supervisor = await supervise({
    name: "database",
    log: (line) => lines.push(line),
    backoff: FAST_BACKOFF,
    start: () => {
      starts += 1;
      managed = startProcess({
        name: "database",
        command: process.execPath,
        args: ["-e", "setInterval(() => {}, 1000)"],
        env: process.env,
      });
      return { exited: managed.exited.then(() => describeExit(managed)), stop: () => stopProcess(managed) };
    },
  });
  supervisor.expectExit();
  managed.child.kill("SIGINT");
  await managed.exited;
  await sleep(300);
  await supervisor.stop();

  expect(starts).toBe(1);
  expect(lines).toEqual([]);
});
