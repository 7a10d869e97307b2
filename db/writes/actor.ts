import type { TActorRole } from "@/lib/permissions";

/** Who makes a governed change: a person (id, email as label, roles) or a worker job (`system`, no id). */
export type TActor = { id: string | null; label: string; roles: readonly TActorRole[] };

/** A worker job acting as `system`; its name goes into the audit record's actor label. */
export function systemActor(job: string): TActor {
  return { id: null, label: `system (${job})`, roles: ["system"] };
}
