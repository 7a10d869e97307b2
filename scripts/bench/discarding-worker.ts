import { runWorker } from "@/workers/worker";

// `npm run bench:serve`'s audit-off comparison: the real worker with nothing recorded. Never served.
runWorker({ discardPredictionsForBenchmark: true }).catch((error) => {
  console.error(`benchmark worker failed to start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
