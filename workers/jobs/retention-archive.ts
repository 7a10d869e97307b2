import { createHash } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import { Transform, type Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGzip } from "node:zlib";
import { createWriteStream } from "node:fs";
import type { TArchiveWriter } from "@/db/writes/retention";

async function fsyncPath(target: string): Promise<void> {
  const handle = await fs.open(target, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function exists(target: string): Promise<boolean> {
  return fs.stat(target).then(
    () => true,
    () => false,
  );
}

/**
 * Writes one archive: `<archiveDir>/<name>/` with a `<table>.csv.gz` per table and `manifest.json`. Files
 * go to `<name>.partial/` first and are fsynced; the folder is renamed into place after the manifest,
 * so an archive under its final name is complete. An existing archive is never overwritten: a second
 * one for the same name (a run that wrote its archive, then failed to drop) gets the time appended.
 */
export function createArchiveWriter(options: { archiveDir: string; name: string; now: Date }): TArchiveWriter & { abort(): Promise<void> } {
  const root = path.resolve(options.archiveDir);
  const partial = path.join(root, `${options.name}.partial`);
  let prepared: Promise<void> | null = null;
  const prepare = () =>
    (prepared ??= (async () => {
      await fs.mkdir(root, { recursive: true });
      await fs.rm(partial, { recursive: true, force: true });
      await fs.mkdir(partial);
    })());
  return {
    async writeTable(table, csv: Readable) {
      await prepare();
      const file = `${table}.csv.gz`;
      const hash = createHash("sha256");
      let bytes = 0;
      const tap = new Transform({
        transform(chunk: Buffer, _encoding, callback) {
          hash.update(chunk);
          bytes += chunk.length;
          callback(null, chunk);
        },
      });
      await pipeline(csv, createGzip(), tap, createWriteStream(path.join(partial, file), { flags: "wx", mode: 0o600 }));
      await fsyncPath(path.join(partial, file));
      return { file, sha256: hash.digest("hex"), bytes };
    },
    async finish(manifest) {
      await prepare();
      const manifestFile = path.join(partial, "manifest.json");
      await fs.writeFile(manifestFile, `${JSON.stringify(manifest, null, 2)}\n`, { flag: "wx", mode: 0o600 });
      await fsyncPath(manifestFile);
      let final = path.join(root, options.name);
      if (await exists(final)) final = path.join(root, `${options.name}-${options.now.toISOString().replace(/[-:.]/g, "")}`);
      await fs.rename(partial, final);
      await fsyncPath(root);
      return final;
    },
    async abort() {
      if (prepared) await fs.rm(partial, { recursive: true, force: true });
    },
  };
}
