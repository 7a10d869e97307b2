import fs from "node:fs";
import path from "node:path";
import Papa from "papaparse";
import { CREDIT_MODEL_INPUTS } from "@/lib/demo/credit-data";

let reference: Array<Record<string, string>> | null = null;

/** Row `index` of the demo's reference data as a feature-JSON instance of credit-default (for tests and the chaos run). */
export function creditInstance(index: number): Record<string, unknown> {
  reference ??= Papa.parse<Record<string, string>>(fs.readFileSync(path.resolve("scripts/demo/data/credit-reference.csv"), "utf8"), {
    header: true,
    skipEmptyLines: true,
  }).data;
  const row = reference[index % reference.length];
  return {
    ...Object.fromEntries(CREDIT_MODEL_INPUTS.map((name) => [name, name === "has_mortgage" ? row[name] === "true" : Number(row[name])])),
    sex: row.sex,
  };
}
