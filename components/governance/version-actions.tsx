"use client";

import type { TVersionAction } from "@/lib/governance/lifecycle";
import type { TActionResult } from "@/lib/types/action";
import { ActionDialog } from "./action-dialog";

type TRun = (input: Record<string, unknown>) => Promise<TActionResult>;

const COPY: Partial<
  Record<
    TVersionAction,
    { label: string; description: string; tone?: "primary" | "danger"; askReason?: "required" | "optional"; askPercent?: boolean }
  >
> = {
  start_validation: { label: "Re-run validation", description: "The worker runs every validation gate again and records the evidence." },
  request_approval: {
    label: "Request approval",
    description: "The committee reviews the gate evidence and votes; the quorum follows the model's risk tier.",
    tone: "primary",
  },
  start_shadow: {
    label: "Start shadow",
    description: "The version runs on every request beside the champion; its answers are recorded and compared, never returned.",
  },
  start_canary: {
    label: "Start canary",
    description: "The version answers this share of requests (sticky per request id); the champion answers the rest.",
    askPercent: true,
  },
  set_canary_percent: { label: "Change canary share", description: "Change the share of requests the canary answers.", askPercent: true },
  promote: {
    label: "Promote",
    description: "The version becomes the champion; the current champion is retired and kept for rollback. Workers switch within a second.",
    tone: "primary",
  },
  rollback: {
    label: "Roll back",
    description: "The previous champion answers again and this version is retired. Workers switch within a second.",
    tone: "danger",
    askReason: "required",
  },
  withdraw: { label: "Withdraw", description: "Take the version off traffic; it stays approved." },
  retire: { label: "Retire", description: "Retire the version for good.", tone: "danger", askReason: "optional" },
};

/** The life-cycle buttons the signed-in user may use on one version (computed on the server, checked again there). */
export function VersionActions({
  modelSlug,
  versionId,
  version,
  revision,
  allowed,
  deploy,
  requestApproval,
  requestValidation,
  justificationNeeded = null,
}: {
  modelSlug: string;
  versionId: string;
  version: string;
  revision: number;
  allowed: TVersionAction[];
  deploy: TRun;
  requestApproval: TRun;
  requestValidation: TRun;
  /** Why the approval request must carry a justification, or null. */
  justificationNeeded?: string | null;
}) {
  const shown = allowed.filter((action) => COPY[action]);
  if (shown.length === 0) return null;
  return (
    <div className="actions-row" aria-label={`Actions for ${version}`} role="group">
      {shown.map((action) => {
        const copy =
          action === "request_approval" && justificationNeeded
            ? {
                ...COPY[action]!,
                description: `${COPY[action]!.description} Write your justification for the committee: ${justificationNeeded}.`,
                askReason: "required" as const,
                reasonLabel: "Justification",
              }
            : { ...COPY[action]!, reasonLabel: undefined };
        const run = (fields: { reason?: string; canaryPercent?: number }) =>
          action === "request_approval"
            ? requestApproval({ modelSlug, versionId, note: fields.reason })
            : action === "start_validation"
              ? requestValidation({ modelSlug, versionId })
              : deploy({ modelSlug, versionId, action, expectedRevision: revision, ...fields });
        return (
          <ActionDialog
            key={action}
            label={copy.label}
            title={`${copy.label}: ${version}`}
            description={copy.description}
            tone={copy.tone}
            askReason={copy.askReason}
            askPercent={copy.askPercent}
            reasonLabel={copy.reasonLabel}
            run={run}
          />
        );
      })}
    </div>
  );
}

export function KillSwitch({ modelSlug, on, revision, run }: { modelSlug: string; on: boolean; revision: number; run: TRun }) {
  return (
    <ActionDialog
      label={on ? "Turn kill switch off" : "Pull the kill switch"}
      title={on ? "Turn the kill switch off" : "Pull the kill switch"}
      description={
        on ? "The models answer again." : "Every worker stops using the models within a second and answers from the rule-based fallback."
      }
      tone={on ? "primary" : "danger"}
      askReason="required"
      run={(fields) => run({ modelSlug, on: !on, expectedRevision: revision, reason: fields.reason })}
    />
  );
}
