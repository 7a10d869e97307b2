export type TDiffEntry = { path: string; kind: "added" | "removed" | "changed"; before: unknown; after: unknown };

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

// Features are compared by name, not by position, so inserting one does not "change" the rest.
function keyed(value: unknown): unknown {
  if (Array.isArray(value) && value.every((item) => isPlainObject(item) && typeof item.name === "string")) {
    return Object.fromEntries(value.map((item) => [(item as { name: string }).name, item]));
  }
  return value;
}

/** Every leaf that differs between two JSON values, with its dotted path. */
function diffJson(before: unknown, after: unknown, path = ""): TDiffEntry[] {
  const left = keyed(before);
  const right = keyed(after);
  if (isPlainObject(left) && isPlainObject(right)) {
    const keys = [...new Set([...Object.keys(left), ...Object.keys(right)])].sort();
    return keys.flatMap((key) => {
      const child = path ? `${path}.${key}` : key;
      if (!(key in left)) return [{ path: child, kind: "added" as const, before: undefined, after: right[key] }];
      if (!(key in right)) return [{ path: child, kind: "removed" as const, before: left[key], after: undefined }];
      return diffJson(left[key], right[key], child);
    });
  }
  return JSON.stringify(left) === JSON.stringify(right) ? [] : [{ path, kind: "changed", before, after }];
}

/** The differences of two versions' schema, hyperparameters and metrics, for the version-history view. */
export function diffVersions(
  before: { inputSchema: unknown; outputSchema: unknown; hyperparameters: unknown; offlineMetrics: unknown },
  after: { inputSchema: unknown; outputSchema: unknown; hyperparameters: unknown; offlineMetrics: unknown },
): TDiffEntry[] {
  return [
    ...diffJson(before.inputSchema, after.inputSchema, "inputSchema"),
    ...diffJson(before.outputSchema, after.outputSchema, "outputSchema"),
    ...diffJson(before.hyperparameters, after.hyperparameters, "hyperparameters"),
    ...diffJson(before.offlineMetrics, after.offlineMetrics, "offlineMetrics"),
  ];
}
