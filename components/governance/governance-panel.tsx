import type { ReactNode } from "react";
import { formatDateTime, formatNumber } from "@/lib/format";
import { Badge, type TBadgeTone } from "@/components/ui/badge";

type TGateRow = {
  gate: string;
  passed: boolean;
  value: number | null;
  threshold: number | null;
  comparison: string | null;
  reason: string;
  /** The run's evidence, which carries the gate's status (error, not_applicable…) beside passed. */
  evidence?: Record<string, unknown>;
};
export type TValidationRun = { status: string; startedAt: Date; finishedAt: Date | null; gates: TGateRow[] } | null;
export type TApproval = {
  quorum: number;
  status: string;
  requestedByName: string | null;
  /** The requester's note; the justification when a gate did not apply. */
  note: string;
  votes: Array<{ voterName: string | null; decision: string; comment: string; createdAt: Date }>;
} | null;
export type TSideBySide = { metric: string; candidate: number | null; champion: number | null; higherIsBetter: boolean }[];

const GATE_BADGES: Record<string, { tone: TBadgeTone; label: string }> = {
  passed: { tone: "ok", label: "passed" },
  failed: { tone: "bad", label: "failed" },
  error: { tone: "bad", label: "error" },
  not_run: { tone: "bad", label: "not run" },
  not_applicable: { tone: "info", label: "not applicable" },
};

function gateBadge(gate: TGateRow) {
  const stored = gate.evidence?.gateStatus;
  return (typeof stored === "string" && GATE_BADGES[stored]) || GATE_BADGES[gate.passed ? "passed" : "failed"];
}

/** Validation evidence, approval votes and the candidate beside the champion, for the committee. */
export function GovernancePanel({
  run,
  approval,
  sideBySide,
  championVersion,
  voteSlot,
}: {
  run: TValidationRun;
  approval: TApproval;
  sideBySide: TSideBySide;
  championVersion: string | null;
  voteSlot?: ReactNode;
}) {
  return (
    <div className="grid-2">
      <section className="card span-all" aria-label="Validation gates">
        <h2>Validation gates</h2>
        {!run ? (
          <p className="muted">Not validated yet.</p>
        ) : run.status === "queued" || run.status === "running" ? (
          <p role="status">
            Validation {run.status} since {formatDateTime(run.startedAt)}… refresh in a moment.
          </p>
        ) : (
          <table className="table" aria-label="Gates">
            <thead>
              <tr>
                <th scope="col">Gate</th>
                <th scope="col">Result</th>
                <th scope="col">Evidence</th>
              </tr>
            </thead>
            <tbody>
              {run.gates.map((gate) => (
                <tr key={gate.gate}>
                  <td className="mono">{gate.gate}</td>
                  <td>
                    <Badge tone={gateBadge(gate).tone}>{gateBadge(gate).label}</Badge>
                  </td>
                  <td>{gate.reason}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section className="card" aria-label="Approval" id="approval">
        <h2>Approval</h2>
        {!approval ? (
          <p className="muted">No approval requested yet.</p>
        ) : (
          <>
            <p style={{ marginTop: 0 }}>
              <Badge tone={approval.status === "approved" ? "ok" : approval.status === "rejected" ? "bad" : "warn"}>
                {approval.status}
              </Badge>{" "}
              {approval.votes.filter((vote) => vote.decision === "approve").length} of {approval.quorum} approvals · requested by{" "}
              {approval.requestedByName ?? "—"}
            </p>
            {approval.note ? (
              <p>
                <strong>Requester’s justification:</strong> “{approval.note}”
              </p>
            ) : null}
            <ul className="timeline" aria-label="Votes">
              {approval.votes.map((vote) => (
                <li key={`${vote.voterName}${vote.createdAt.toISOString()}`}>
                  <span className="muted mono">{formatDateTime(vote.createdAt)}</span>
                  <span>
                    <strong>{vote.voterName}</strong> {vote.decision === "approve" ? "approved" : "rejected"}: “{vote.comment}”
                  </span>
                </li>
              ))}
            </ul>
            {voteSlot}
          </>
        )}
      </section>
      <section className="card" aria-label="Candidate and champion">
        <h2>Beside the champion{championVersion ? ` (${championVersion})` : ""}</h2>
        {!championVersion ? (
          <p className="muted">No champion to compare with.</p>
        ) : (
          <table className="table" aria-label="Side by side">
            <thead>
              <tr>
                <th scope="col">Offline metric</th>
                <th scope="col" className="num">
                  This version
                </th>
                <th scope="col" className="num">
                  Champion
                </th>
              </tr>
            </thead>
            <tbody>
              {sideBySide.map((row) => {
                const better =
                  row.candidate !== null &&
                  row.champion !== null &&
                  (row.higherIsBetter ? row.candidate > row.champion : row.candidate < row.champion);
                return (
                  <tr key={row.metric}>
                    <td>{row.metric}</td>
                    <td className="num">
                      {formatNumber(row.candidate)} {better ? <Badge tone="ok">better</Badge> : null}
                    </td>
                    <td className="num">{formatNumber(row.champion)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
      </section>
    </div>
  );
}
