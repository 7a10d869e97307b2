"use client";

import { useMemo, useState } from "react";
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { Field } from "@/components/ui/field";
import {
  buildProjectionInput,
  DEFAULT_PROJECTION_ASSUMPTIONS,
  formatRoiMultiple,
  projectCostBenefit,
  roiCostNote,
  VALUE_FORMULAS,
  type TCostSettings,
} from "@/lib/cost/projection";
import { formatUsdCompact } from "@/lib/format";

type TMeasured = { monthlyPredictions: number; reviewRate: number; valueAddedPerPrediction: number };

/** A money figure never wraps: a line may otherwise break between "−" and "$". */
const NO_WRAP = { whiteSpace: "nowrap" } as const;

/** An ROI multiple, capped at "> 1,000×" with the exact figure in its title (lib/cost/projection formatRoiMultiple). */
function RoiMultiple({ roi }: { roi: number | null }) {
  const shown = formatRoiMultiple(roi);
  return (
    <span style={NO_WRAP} title={shown.exact ?? undefined} data-testid={shown.capped ? "roi-capped" : undefined}>
      {shown.text}
    </span>
  );
}

function Slider({
  label,
  value,
  min,
  max,
  step,
  format,
  onChange,
}: {
  label: string;
  value: number;
  min: number;
  max: number;
  step: number;
  format: (value: number) => string;
  onChange: (value: number) => void;
}) {
  return (
    <Field
      label={
        <>
          {label}: <strong>{format(value)}</strong>
        </>
      }
      type="range"
      min={min}
      max={max}
      step={step}
      value={value}
      onChange={(event) => onChange(Number(event.target.value))}
    />
  );
}

/** The 12-month projection of maintaining vs updating, recomputed in the browser as the assumptions move (the projection is a pure function). */
export function CostBenefitView({
  settings,
  measured,
  measuredDecay,
}: {
  settings: TCostSettings;
  measured: TMeasured;
  measuredDecay: { value: number; days: number } | null;
}) {
  const [volumeGrowth, setVolumeGrowth] = useState<number>(DEFAULT_PROJECTION_ASSUMPTIONS.monthlyVolumeGrowth);
  // The decay starts at the trend monitoring measured (when there is a week of labelled days), else at the assumption.
  const [decay, setDecay] = useState<number>(
    measuredDecay ? Math.min(0.1, Math.max(0, measuredDecay.value)) : DEFAULT_PROJECTION_ASSUMPTIONS.monthlyDecay,
  );
  const [improvement, setImprovement] = useState<number>(DEFAULT_PROJECTION_ASSUMPTIONS.challengerImprovement);
  const result = useMemo(
    () =>
      projectCostBenefit(
        buildProjectionInput({
          settings,
          measured,
          assumptions: { monthlyVolumeGrowth: volumeGrowth, monthlyDecay: decay, challengerImprovement: improvement },
        }),
      ),
    [settings, measured, volumeGrowth, decay, improvement],
  );
  const data = result.maintain.months.map((month, index) => ({
    month: month.month,
    maintain: month.cumulativeUsd,
    update: result.update.months[index].cumulativeUsd,
  }));
  return (
    <div className="stack">
      <p className="callout info" role="status" aria-label="Projection summary" style={{ fontSize: 15 }}>
        {result.summarySentence}
      </p>
      <div className="grid-2">
        <section className="card" aria-label="Assumptions">
          <h2>Assumptions</h2>
          <Slider
            label="Volume growth per month"
            value={volumeGrowth}
            min={0}
            max={0.1}
            step={0.005}
            format={(value) => `${(value * 100).toFixed(1)} %`}
            onChange={setVolumeGrowth}
          />
          <Slider
            label="Value added lost per month since training (decay)"
            value={decay}
            min={0}
            max={0.1}
            step={0.005}
            format={(value) => `${(value * 100).toFixed(1)} %`}
            onChange={setDecay}
          />
          <p className="muted" style={{ marginTop: -8, fontSize: 12.5 }}>
            {measuredDecay
              ? `Starts at the error-rate growth monitoring measured: ${(measuredDecay.value * 100).toFixed(1)} % a month, the trend of realized accuracy over ${measuredDecay.days} days${measuredDecay.value < 0 || measuredDecay.value > 0.1 ? " (the slider stops at 0–10 %)" : ""}.`
              : "Assumed: monitoring has fewer than 7 days of realized accuracy for the champion."}
          </p>
          <Slider
            label="Update adds more value per prediction by"
            value={improvement}
            min={0}
            max={0.5}
            step={0.01}
            format={(value) => `${Math.round(value * 100)} %`}
            onChange={setImprovement}
          />
          <ul className="muted" style={{ margin: 0, paddingLeft: 18 }}>
            {result.assumptions.map((line) => (
              <li key={line}>{line}</li>
            ))}
          </ul>
        </section>
        <section className="card" aria-label="Next four quarters">
          <h2>Next four quarters</h2>
          <table className="table" aria-label="Quarters">
            <thead>
              <tr>
                <th scope="col">Quarter</th>
                <th scope="col" className="num">
                  Maintain
                </th>
                <th scope="col" className="num">
                  Update
                </th>
              </tr>
            </thead>
            <tbody>
              {result.maintain.quarters.map((quarter, index) => (
                <tr key={quarter.quarter}>
                  <td>Q+{quarter.quarter}</td>
                  <td className="num" style={NO_WRAP}>
                    {formatUsdCompact(quarter.netValueUsd)}
                  </td>
                  <td className="num" style={NO_WRAP}>
                    {formatUsdCompact(result.update.quarters[index].netValueUsd)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <dl className="facts" style={{ marginTop: 12 }}>
            <div>
              <dt>12-month net value vs the baseline</dt>
              <dd style={NO_WRAP} data-testid="net-value-12m">
                {formatUsdCompact(result.maintain.netValueUsd)}
              </dd>
            </div>
            <div>
              <dt>ROI</dt>
              <dd>
                <RoiMultiple roi={result.maintain.roi} />{" "}
                <span className="muted">
                  ({VALUE_FORMULAS.roi}
                  {roiCostNote(result.maintain) ? `; ${roiCostNote(result.maintain)}` : ""})
                </span>
              </dd>
            </div>
            <div>
              <dt>Payback month</dt>
              <dd>
                {result.maintain.paybackMonth ?? "not within 12 months"} <span className="muted">({VALUE_FORMULAS.payback})</span>
              </dd>
            </div>
            <div>
              <dt>Break-even volume</dt>
              <dd>
                {result.breakEvenMonthlyVolume === null
                  ? "none: each prediction adds less than its review costs"
                  : `${Math.ceil(result.breakEvenMonthlyVolume).toLocaleString("en-US")} predictions a month`}{" "}
                <span className="muted">({VALUE_FORMULAS.breakEven})</span>
              </dd>
            </div>
            <div>
              <dt>Update instead of maintain</dt>
              <dd>
                <span style={NO_WRAP}>{formatUsdCompact(result.savingUsd)}</span> over 12 months; catches up in month{" "}
                {result.breakEvenMonth ?? "never (12 months)"}
                {result.updateRoi === null ? null : (
                  <>
                    , <RoiMultiple roi={result.updateRoi} /> its retraining cost
                  </>
                )}
              </dd>
            </div>
          </dl>
        </section>
      </div>
      <section className="card" aria-label="Cumulative net value">
        <h2>Cumulative net value against the baseline (USD)</h2>
        <ResponsiveContainer width="100%" height={280}>
          <LineChart data={data} margin={{ top: 8, right: 16, bottom: 24, left: 32 }}>
            <CartesianGrid strokeDasharray="3 3" stroke="#e3e6eb" />
            <XAxis dataKey="month" fontSize={12} label={{ value: "Month from now", position: "insideBottom", offset: -14 }} />
            <YAxis fontSize={12} tickFormatter={(value: number) => formatUsdCompact(value)} width={72} />
            <Tooltip formatter={(value) => formatUsdCompact(Number(value))} labelFormatter={(month) => `Month ${month}`} />
            <Legend verticalAlign="top" height={28} />
            <Line
              type="monotone"
              dataKey="maintain"
              name="Maintain the current model"
              stroke="#b42318"
              strokeWidth={2}
              dot={false}
              isAnimationActive={false}
            />
            <Line
              type="monotone"
              dataKey="update"
              name="Update (retrain / challenger)"
              stroke="#1b7f4b"
              strokeWidth={2}
              dot={false}
              isAnimationActive={false}
            />
          </LineChart>
        </ResponsiveContainer>
      </section>
    </div>
  );
}
