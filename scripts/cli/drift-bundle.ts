// The drift report's worker thread as one plain JavaScript file, so its threads start in plain
// node in milliseconds instead of loading tsx in each (1.5–1.9 s per thread). Built by esbuild
// (the one tsx runs on, so it is there wherever tsx is) on first use and kept in the temp
// directory under a hash of every source file it was built from: an edit to any of them builds it
// again, and two processes building at once each write their own file and rename it into place.
import { createHash } from "node:crypto";
import fs from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";

/** The part of esbuild's API used here (esbuild comes with tsx; its types are not a dependency of ours). */
type TEsbuild = {
  build(options: Record<string, unknown>): Promise<{
    outputFiles: { text: string }[];
    metafile: { inputs: Record<string, unknown> };
  }>;
};
type TManifest = { inputs: string[]; hash: string };

/** A key for the build: esbuild's version, the entry, and the bytes of every input. */
function inputsHash(esbuildVersion: string, entry: string, inputs: string[]): string | null {
  const hash = createHash("sha256").update(`${esbuildVersion}\0${process.version}\0${entry}\0`);
  for (const input of inputs) {
    try {
      hash.update(input).update("\0").update(fs.readFileSync(input)).update("\0");
    } catch {
      return null;
    }
  }
  return hash.digest("hex").slice(0, 24);
}

/** tsx's own esbuild (resolved from tsx's folder, as tsx loads it): its version now, its code only to build. */
function findEsbuild(): { version: string; load: () => TEsbuild } | null {
  try {
    const fromTsx = createRequire(createRequire(import.meta.url).resolve("tsx/package.json"));
    const { version } = JSON.parse(fs.readFileSync(fromTsx.resolve("esbuild/package.json"), "utf8")) as { version: string };
    return { version, load: () => fromTsx("esbuild") as TEsbuild };
  } catch {
    return null;
  }
}

function writeAtomically(file: string, text: string): void {
  const temporary = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  fs.writeFileSync(temporary, text);
  fs.renameSync(temporary, file);
}

/** Removes earlier builds of `name` an hour old or more (a process starting threads loads its build within seconds). */
function pruneOldBuilds(dir: string, name: string, keep: string): void {
  const pattern = new RegExp(`^${name.replace(/[^\w-]/g, "\\$&")}-[0-9a-f]{24}\\.mjs$`);
  for (const file of fs.readdirSync(dir)) {
    const full = path.join(dir, file);
    if (!pattern.test(file) || full === keep) continue;
    try {
      if (Date.now() - fs.statSync(full).mtimeMs >= 3_600_000) fs.rmSync(full, { force: true });
    } catch {
      // Removed by another process meanwhile.
    }
  }
}

/**
 * The path of `entry` (a TypeScript module) bundled with everything it imports into one ES module
 * for plain node, built now if its sources changed since the last build; null when esbuild is not
 * there or the build fails (the caller then starts threads through tsx). `dir` holds the builds
 * (default: a folder of this user's in the temp directory).
 */
export async function bundledModule(
  entry: string,
  dir = path.join(os.tmpdir(), `oversight-bundles-${os.userInfo().uid}`),
): Promise<string | null> {
  const esbuild = findEsbuild();
  if (esbuild === null) return null;
  const name = path.basename(entry).replace(/\.[cm]?tsx?$/, "");
  const manifestFile = path.join(dir, `${name}-${createHash("sha256").update(entry).digest("hex").slice(0, 12)}.json`);
  const bundleOf = (hash: string) => path.join(dir, `${name}-${hash}.mjs`);
  try {
    if (fs.statSync(dir).uid !== os.userInfo().uid) return null;
    const manifest = JSON.parse(fs.readFileSync(manifestFile, "utf8")) as TManifest;
    if (inputsHash(esbuild.version, entry, manifest.inputs) === manifest.hash && fs.existsSync(bundleOf(manifest.hash)))
      return bundleOf(manifest.hash);
  } catch {
    // No manifest yet, or an unreadable one: build.
  }
  try {
    const root = path.dirname(entry);
    const result = await esbuild.load().build({
      entryPoints: [entry],
      absWorkingDir: root,
      bundle: true,
      platform: "node",
      format: "esm",
      target: `node${process.versions.node.split(".")[0]}`,
      write: false,
      metafile: true,
      logLevel: "silent",
      // CommonJS packages in the bundle (papaparse) may call require.
      banner: { js: 'import { createRequire as __createRequire } from "node:module"; const require = __createRequire(import.meta.url);' },
    });
    const inputs = Object.keys(result.metafile.inputs).map((input) => path.resolve(root, input));
    const hash = inputsHash(esbuild.version, entry, inputs);
    if (hash === null) return null;
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    // Code run from a folder someone else owns could be theirs.
    if (fs.statSync(dir).uid !== os.userInfo().uid) return null;
    writeAtomically(bundleOf(hash), result.outputFiles[0].text);
    writeAtomically(manifestFile, JSON.stringify({ inputs, hash } satisfies TManifest));
    pruneOldBuilds(dir, name, bundleOf(hash));
    return bundleOf(hash);
  } catch {
    return null;
  }
}
