/** The transparency report of a model's review queue over a period (issue: analysts' decisions made visible). */
export type TTransparencyReport = {
  model: string;
  from: string;
  to: string;
  byReason: Array<{ reason: string; routed: number; decided: number; overridden: number }>;
  byGroup: Array<{ attribute: string; group: string; decided: number; overridden: number }>;
  medianMinutesToDecision: number | null;
  p90MinutesToDecision: number | null;
  backlog: Array<{ day: string; open: number }>;
};

/** Override rate: overridden ÷ decided; null when nothing was decided (no denominator). */
export function overrideRate(row: { decided: number; overridden: number }): number | null {
  return row.decided === 0 ? null : row.overridden / row.decided;
}

const percent = (value: number | null) => (value === null ? "—" : `${(value * 100).toFixed(1)} %`);
const minutes = (value: number | null) => (value === null ? "—" : `${value.toFixed(1)} min`);

/** The report as Markdown, for committees that file it. */
export function transparencyMarkdown(report: TTransparencyReport): string {
  return [
    `# Review transparency report: ${report.model}`,
    "",
    `Period: ${report.from} to ${report.to} (UTC). Time to decision: median ${minutes(report.medianMinutesToDecision)}, p90 ${minutes(report.p90MinutesToDecision)}.`,
    "",
    "## By reason",
    "",
    "| Reason | Routed | Decided | Overridden | Override rate |",
    "| --- | ---: | ---: | ---: | ---: |",
    ...report.byReason.map(
      (row) => `| ${row.reason} | ${row.routed} | ${row.decided} | ${row.overridden} | ${percent(overrideRate(row))} |`,
    ),
    "",
    "## By sensitive group",
    "",
    "| Attribute | Group | Decided | Overridden | Override rate |",
    "| --- | --- | ---: | ---: | ---: |",
    ...report.byGroup.map(
      (row) => `| ${row.attribute} | ${row.group} | ${row.decided} | ${row.overridden} | ${percent(overrideRate(row))} |`,
    ),
    "",
    "## Backlog (open items at the end of each day)",
    "",
    "| Day | Open |",
    "| --- | ---: |",
    ...report.backlog.map((row) => `| ${row.day} | ${row.open} |`),
    "",
  ].join("\n");
}

/** The report's rows as flat records for a CSV file: one row per reason and per group. */
export function transparencyCsvRows(report: TTransparencyReport): Array<Record<string, string | number>> {
  return [
    ...report.byReason.map((row) => ({
      section: "reason",
      key: row.reason,
      group: "",
      routed: row.routed,
      decided: row.decided,
      overridden: row.overridden,
      override_rate: overrideRate(row) ?? "",
    })),
    ...report.byGroup.map((row) => ({
      section: "group",
      key: row.attribute,
      group: row.group,
      routed: "",
      decided: row.decided,
      overridden: row.overridden,
      override_rate: overrideRate(row) ?? "",
    })),
  ];
}
