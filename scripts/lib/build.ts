import fs from "node:fs";
import path from "node:path";
import { startProcess } from "./processes";

const SOURCE_DIRS = ["app", "components", "lib", "db"];
const SOURCE_FILES = ["package-lock.json", "next.config.js", "tsconfig.json"];

function newestMtimeMs(entry: string): number {
  const stat = fs.statSync(entry, { throwIfNoEntry: false });
  if (!stat) return 0;
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const child of fs.readdirSync(entry)) newest = Math.max(newest, newestMtimeMs(path.join(entry, child)));
  return newest;
}

/** True when there is no production build, or a source file changed after it was made. */
function buildIsStale(root = process.cwd()): boolean {
  const buildId = fs.statSync(path.join(root, ".next", "BUILD_ID"), { throwIfNoEntry: false });
  if (!buildId) return true;
  const newestSource = Math.max(...[...SOURCE_DIRS, ...SOURCE_FILES].map((entry) => newestMtimeMs(path.join(root, entry))));
  return newestSource > buildId.mtimeMs;
}

/** Runs `next build` when the build is missing or stale. */
export async function ensureProductionBuild(log: (line: string) => void): Promise<void> {
  if (!buildIsStale()) return;
  log("Building the web app (next build)…");
  const build = startProcess({
    name: "build",
    command: path.resolve("node_modules/.bin/next"),
    args: ["build"],
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
  });
  const code = await build.exited;
  if (code !== 0) throw new Error(`next build failed with exit code ${code}`);
}
