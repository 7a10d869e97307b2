"use client";

import { useState } from "react";
import { Field } from "@/components/ui/field";
import { formatDateTime } from "@/lib/format";
import { remainingSamplePerArm, type TArmSummary, type TDifferenceTest } from "@/lib/stats/abtest";
import { armAdvice } from "@/lib/stats/abtest-arms";

export type TAbPanelData = {
  controlLabel: string;
  treatmentLabel: string;
  control: TArmSummary;
  treatment: TArmSummary;
  result: TDifferenceTest;
  alwaysValidPValue: number;
  test: "welch" | "two-proportion-z";
};

const number = (value: number | null, digits = 4) =>
  value === null || !Number.isFinite(value)
    ? "—"
    : Math.abs(value) >= 1000
      ? Math.round(value).toLocaleString("en-US")
      : value.toPrecision(digits);
const pValue = (value: number | null) => (value === null ? "—" : value < 0.0001 ? "< 0.0001" : value.toFixed(4));

export type TGuardBusinessVerdict = {
  verdict: "hold" | "recommend_promotion" | "keep_collecting" | "insufficient_data";
  sentence: string;
  judgedAt: string;
};

/** The canary guard's last verdict on these arms: a hold raises a warning alert; neither verdict moves the deployment. */
function GuardVerdict({ guard }: { guard: TGuardBusinessVerdict | null }) {
  if (!guard) return null;
  const tone = guard.verdict === "hold" ? "warn" : guard.verdict === "recommend_promotion" ? "success" : "info";
  return (
    <div role="status" aria-label="Canary guard on the business value" data-testid="ab-guard" className={`callout ${tone}`}>
      <strong>Canary guard:</strong> {guard.sentence}{" "}
      <span className="muted">(judged {formatDateTime(guard.judgedAt)}; the guard never promotes, and a hold only alerts)</span>
    </div>
  );
}

/**
 * Per arm n and mean business value, treatment − control with its 95 % interval, the always-valid
 * p-value (mSPRT, may be read every day) and the fixed-horizon test, and the sample still needed for
 * a minimum effect the reader chooses (recomputed in the browser: requiredSamplePerArm is pure).
 */
export function AbTestPanel({
  data,
  emptyReason,
  guard = null,
}: {
  data: TAbPanelData | null;
  emptyReason: string;
  guard?: TGuardBusinessVerdict | null;
}) {
  const [minimumEffect, setMinimumEffect] = useState(() =>
    data ? Number((Math.abs(data.control.mean) * 0.1 || Math.sqrt(data.control.variance) * 0.1 || 1).toPrecision(2)) : 1,
  );
  if (!data) {
    return (
      <div className="stack">
        <GuardVerdict guard={guard} />
        <p className="empty" role="status" aria-label="No business values">
          {emptyReason}
        </p>
      </div>
    );
  }
  const remaining =
    minimumEffect > 0
      ? remainingSamplePerArm({ treatment: data.treatment, control: data.control, minimumDetectableEffect: minimumEffect })
      : null;
  const testName = data.test === "welch" ? "Welch's t-test" : "two-proportion z-test";
  return (
    <div className="stack">
      <GuardVerdict guard={guard} />
      <table className="table" aria-label="Arms">
        <thead>
          <tr>
            <th scope="col">Arm</th>
            <th scope="col" className="num">
              n
            </th>
            <th scope="col" className="num">
              Mean business value
            </th>
            <th scope="col" className="num">
              Variance
            </th>
          </tr>
        </thead>
        <tbody>
          {[
            [data.controlLabel, data.control],
            [data.treatmentLabel, data.treatment],
          ].map(([label, arm]) => (
            <tr key={label as string}>
              <td>{label as string}</td>
              <td className="num">{(arm as TArmSummary).n.toLocaleString("en-US")}</td>
              <td className="num">{number((arm as TArmSummary).mean)}</td>
              <td className="num">{number((arm as TArmSummary).variance)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <dl className="facts">
        <div>
          <dt>Difference (treatment − control)</dt>
          <dd data-testid="ab-difference">
            {number(data.result.difference)} (95 % CI {number(data.result.ciLow)} to {number(data.result.ciHigh)})
          </dd>
        </div>
        <div>
          <dt>Always-valid p-value (mSPRT)</dt>
          <dd data-testid="ab-always-valid">
            {pValue(data.alwaysValidPValue)} <span className="muted">(may be read every day without inflating false positives)</span>
          </dd>
        </div>
        <div>
          <dt>Fixed-horizon {testName}</dt>
          <dd data-testid="ab-fixed">
            statistic {number(data.result.statistic)}, p = {pValue(data.result.pValue)}
            {data.result.pValue === null && data.result.reason ? ` (${data.result.reason})` : ""}{" "}
            <span className="muted">(valid once, at a sample size fixed in advance)</span>
          </dd>
        </div>
        <div>
          <dt>On the business value</dt>
          <dd data-testid="ab-advice">
            {armAdvice(data)} <span className="muted">(advice for the committee; nothing is promoted or withdrawn by it)</span>
          </dd>
        </div>
      </dl>
      <Field
        label="Minimum effect worth detecting (in the value's unit)"
        type="number"
        min="0"
        step="any"
        value={minimumEffect}
        onChange={(event) => setMinimumEffect(Number(event.target.value))}
      />
      <p style={{ margin: 0 }} role="status" aria-label="Sample still needed">
        {remaining === null
          ? "Enter a positive minimum effect."
          : remaining.treatment === 0 && remaining.control === 0
            ? `Both arms have the ${remaining.required.toLocaleString("en-US")} values each that 80 % power at α = 0.05 needs for an effect of ${minimumEffect}.`
            : `For 80 % power at α = 0.05 on an effect of ${minimumEffect}: ${remaining.required.toLocaleString("en-US")} values per arm, ${remaining.control.toLocaleString("en-US")} more for the control and ${remaining.treatment.toLocaleString("en-US")} more for the treatment.`}
      </p>
    </div>
  );
}
