import { execFile } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../..", import.meta.url));

export type TCliRun = { code: number; stdout: string; stderr: string };

/** The real CLI as a child process (`node --import tsx scripts/cli.ts …`); never rejects, the exit code says how it ended. */
export function runCli(args: readonly string[]): Promise<TCliRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["--import", "tsx", "scripts/cli.ts", ...args],
      { cwd: root, env: { ...process.env, NO_COLOR: "1" } },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** Writes a small CSV file into `dir` and returns its path. */
export function writeCsv(dir: string, name: string, header: readonly string[], rows: readonly (string | number)[][]): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, [header.join(","), ...rows.map((row) => row.join(","))].join("\n") + "\n");
  return file;
}
