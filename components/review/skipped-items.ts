import { rememberSkipped, ZSkippedIds } from "@/lib/review/queue-query";

// What this browser tab's analyst skipped: the session the brief means by "not the same one again in this session".
const KEY = "oversight.review.skipped";

/** The ids skipped in this tab's session (sessionStorage), or none when storage is unavailable or holds something else. */
export function readSkippedIds(): string[] {
  try {
    const parsed = ZSkippedIds.safeParse(JSON.parse(window.sessionStorage.getItem(KEY) ?? "[]"));
    return parsed.success ? parsed.data : [];
  } catch {
    return [];
  }
}

export function addSkippedId(id: string): void {
  try {
    window.sessionStorage.setItem(KEY, JSON.stringify(rememberSkipped(readSkippedIds(), id)));
  } catch {
    // Private mode or full storage: the skip still happened; only the session memory is lost.
  }
}
