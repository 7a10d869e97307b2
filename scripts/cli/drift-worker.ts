// Worker thread of the drift report (started by scripts/cli/drift-fast.ts): runs parse and measure
// tasks one at a time and posts each outcome back with its id, number arrays transferred, not copied.
import { parentPort } from "node:worker_threads";
import { runMeasureTask, runParseTask, transferables, type TMeasureTask, type TParseTask } from "./drift-tasks";

const port = parentPort;
if (port === null) throw new Error("drift-worker.ts runs only as a worker thread");
port.on("message", (message: { id: number; task: TParseTask | TMeasureTask }) => {
  const { id, task } = message;
  if (task.kind === "parse") {
    const outcome = runParseTask(task);
    port.postMessage({ id, outcome }, transferables(outcome));
  } else {
    port.postMessage({ id, outcome: runMeasureTask(task) });
  }
});
port.postMessage({ ready: true });
