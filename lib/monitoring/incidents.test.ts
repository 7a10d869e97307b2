import { describe, expect, it } from "vitest";
import { incidentCause, incidentWebhookPayload, maxSeverity, planAlertJoin, planMemberResolved, type TOpenIncident } from "./incidents";

describe("incidentCause", () => {
  it.each([
    [{ source: "monitoring", metric: "drift.wasserstein_normed", groupName: "" }, "drift"],
    [{ source: "monitoring", metric: "drift.jensenshannon", groupName: "" }, "drift"],
    [{ source: "monitoring", metric: "drift.drifted_share", groupName: "" }, "drift"],
    [{ source: "monitoring", metric: "prediction_drift.psi", groupName: "" }, "drift"],
    [{ source: "monitoring", metric: "fairness.disparate_impact", groupName: "age_band" }, "fairness:age_band"],
    [{ source: "monitoring", metric: "fairness.disparate_impact", groupName: "sex" }, "fairness:sex"],
    [{ source: "monitoring", metric: "performance.estimated_roc_auc", groupName: "" }, "performance"],
    [{ source: "monitoring", metric: "latency.p99_ms", groupName: "" }, "latency"],
    [{ source: "canary" }, "canary"],
    [{ source: "review_backlog" }, "review_backlog"],
  ] as const)("%o → %s", (alert, cause) => {
    expect(incidentCause(alert)).toBe(cause);
  });
});

describe("planAlertJoin", () => {
  const open = (severity: TOpenIncident["severity"], status: TOpenIncident["status"] = "open"): TOpenIncident => ({
    id: "i1",
    severity,
    status,
  });

  it("opens a new incident, notified, when none of the cause is unresolved", () => {
    expect(planAlertJoin(null, "warning")).toEqual({ action: "open", severity: "warning", event: "opened" });
  });

  it("joins the open incident of the same cause silently when not more severe", () => {
    expect(planAlertJoin(open("warning"), "warning")).toEqual({ action: "join", incidentId: "i1", severity: "warning", event: null });
    expect(planAlertJoin(open("critical"), "warning")).toEqual({ action: "join", incidentId: "i1", severity: "critical", event: null });
    expect(planAlertJoin(open("warning", "acknowledged"), "info")).toEqual({
      action: "join",
      incidentId: "i1",
      severity: "warning",
      event: null,
    });
  });

  it("escalates, notified, when the new member is more severe (also when acknowledged)", () => {
    expect(planAlertJoin(open("warning"), "critical")).toEqual({
      action: "escalate",
      incidentId: "i1",
      severity: "critical",
      event: "escalated",
    });
    expect(planAlertJoin(open("info", "acknowledged"), "warning")).toEqual({
      action: "escalate",
      incidentId: "i1",
      severity: "warning",
      event: "escalated",
    });
  });
});

describe("planMemberResolved", () => {
  it("resolves, notified, when the last member resolves", () => {
    expect(planMemberResolved([])).toEqual({ action: "resolve", event: "resolved" });
  });
  it("stays open at the highest severity still open, without a notification", () => {
    expect(planMemberResolved(["warning", "warning"])).toEqual({ action: "keep", severity: "warning", event: null });
    expect(planMemberResolved(["info", "critical", "warning"])).toEqual({ action: "keep", severity: "critical", event: null });
  });
});

describe("a drift episode, alert by alert", () => {
  it("seven features firing over three passes make one incident and two notifications (opened, resolved)", () => {
    let incident: TOpenIncident | null = null;
    const members: Array<"warning" | "critical"> = [];
    const events: string[] = [];
    for (const severity of ["warning", "warning", "warning", "warning", "warning", "warning", "warning"] as const) {
      const plan = planAlertJoin(incident, severity);
      if (plan.event) events.push(plan.event);
      incident = { id: plan.action === "open" ? "new" : plan.incidentId, severity: plan.severity, status: "open" };
      members.push(severity);
    }
    // The dataset-drift rule (critical) fires one window later: escalation.
    const escalation = planAlertJoin(incident, "critical");
    expect(escalation.event).toBe("escalated");
    members.push("critical");
    while (members.length) {
      members.pop();
      const plan = planMemberResolved(members);
      if (plan.event) events.push(plan.event);
    }
    expect(events).toEqual(["opened", "resolved"]);
  });
});

describe("maxSeverity and the webhook body", () => {
  it("ranks critical over warning over info", () => {
    expect(maxSeverity(["info", "warning"])).toBe("warning");
    expect(maxSeverity(["warning", "critical", "info"])).toBe("critical");
    expect(maxSeverity([])).toBe("info");
  });
  it("names the incident, its member count and links to it", () => {
    const body = incidentWebhookPayload({
      kind: "opened",
      incident: { id: "i1", title: "Credit: input drift", cause: "drift", severity: "warning", members: 1, openedAt: new Date(0) },
      alert: {
        id: "a1",
        title: "Credit: Drift on x",
        message: "x is 0.2",
        severity: "warning",
        value: 0.2,
        modelSlug: "credit",
        firedAt: new Date(0),
      },
      consoleUrl: "http://console",
    });
    expect(body.text).toBe(
      ":rotating_light: [warning] Incident opened: Credit: input drift (1 alert) — Credit: Drift on x — x is 0.2 <http://console/alerts#incident-i1|Open in Oversight>",
    );
    expect(body.event).toBe("opened");
    expect(body.incident.openedAt).toBe("1970-01-01T00:00:00.000Z");
  });
});
