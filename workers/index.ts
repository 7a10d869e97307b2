import { runWorker } from "./worker";

// The worker's entry point (`npm run worker`, started by `npm start`); workers/worker.ts does the work.
runWorker().catch((error) => {
  console.error(`worker failed to start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
