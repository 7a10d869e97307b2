import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";

/**
 * A secret for this installation: from the environment when set, else generated once and kept
 * in `.data/` (gitignored), so sessions survive a restart and no set-up is needed.
 */
export function localSecret(name: string, envValue: string | undefined): string {
  if (envValue) return envValue;
  const file = path.resolve(".data", `${name}.secret`);
  if (!fs.existsSync(file)) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, crypto.randomBytes(32).toString("base64url"), { mode: 0o600 });
  }
  return fs.readFileSync(file, "utf8").trim();
}
