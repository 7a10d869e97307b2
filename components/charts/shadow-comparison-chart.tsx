"use client";

import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { EmptyState } from "@/components/ui/empty-state";
import { CHART_MARGIN_TWO_AXES, xAxisTitle, yAxisTitle } from "./axis-titles";
import type { TShadowPoint } from "@/lib/types/governance";

const hourLabel = (iso: string) => `${iso.slice(5, 10)} ${iso.slice(11, 16)}`;

/** Agreement rate (%) and mean absolute score difference between shadow and champion, per hour (UTC). */
export function ShadowComparisonChart({ points }: { points: TShadowPoint[] }) {
  if (points.length === 0)
    return (
      <EmptyState title="No shadow traffic yet">
        Start shadow mode: the challenger then answers every request beside the champion, unseen.
      </EmptyState>
    );
  const data = points.map((point) => ({ ...point, agreementPercent: point.agreementRate * 100 }));
  const totalPairs = points.reduce((sum, point) => sum + point.pairs, 0);
  const overall = points.reduce((sum, point) => sum + point.agreementRate * point.pairs, 0) / totalPairs;
  return (
    <figure style={{ margin: 0 }} aria-label="Shadow comparison chart">
      <figcaption className="muted" style={{ marginBottom: 8 }}>
        {totalPairs.toLocaleString("en-US")} paired requests; labels agree on {(overall * 100).toFixed(1)} % of them.
      </figcaption>
      <ResponsiveContainer width="100%" height={260}>
        <LineChart data={data} margin={CHART_MARGIN_TWO_AXES}>
          <CartesianGrid strokeDasharray="3 3" stroke="#e3e6eb" />
          <XAxis dataKey="hour" tickFormatter={hourLabel} label={xAxisTitle("Hour (UTC)")} fontSize={12} />
          <YAxis yAxisId="agreement" domain={[0, 100]} unit=" %" fontSize={12} label={yAxisTitle("Label agreement")} />
          <YAxis
            yAxisId="difference"
            orientation="right"
            domain={[0, "auto"]}
            fontSize={12}
            label={yAxisTitle("Mean |Δ score|", "right")}
          />
          <Tooltip
            labelFormatter={(value) => hourLabel(String(value))}
            formatter={(value, name) => (name === "Label agreement (%)" ? `${Number(value).toFixed(1)} %` : Number(value).toFixed(4))}
          />
          <Legend verticalAlign="top" height={28} />
          <Line
            yAxisId="agreement"
            type="monotone"
            dataKey="agreementPercent"
            name="Label agreement (%)"
            stroke="#2454d6"
            strokeWidth={2}
            dot={false}
            isAnimationActive={false}
          />
          <Line
            yAxisId="difference"
            type="monotone"
            dataKey="meanAbsScoreDifference"
            name="Mean |Δ score|"
            stroke="#b45309"
            strokeWidth={2}
            dot={false}
            isAnimationActive={false}
          />
        </LineChart>
      </ResponsiveContainer>
    </figure>
  );
}
