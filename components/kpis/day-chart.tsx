"use client";

import { Bar, CartesianGrid, ComposedChart, Legend, Line, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { formatDay, formatKpiTick, formatKpiValue } from "@/lib/kpis/format";

export type TDayChartSeries = { key: string; label: string; color: string };
export type TDayChartRow = { day: string } & Record<string, string | number | null>;

/** How values read on the axis and in the tooltip: a KPI in its unit, a share (0–1, shown as %), or a plain ratio. */
export type TValueFormat = { kind: "kpi"; unit: string } | { kind: "share" } | { kind: "ratio" };

// Every chart of a model panel uses the same margins, axis width and x scale, so one day sits at the
// same horizontal position in each chart stacked under another.
const MARGIN = { top: 6, right: 20, bottom: 4, left: 8 };
const Y_AXIS_WIDTH = 72;

function formatterOf(format: TValueFormat): { tick: (value: number) => string; value: (value: number | null) => string } {
  if (format.kind === "kpi")
    return { tick: (value) => formatKpiTick(value, format.unit), value: (value) => formatKpiValue(value, format.unit) };
  if (format.kind === "share")
    return { tick: (value) => `${Math.round(value * 100)} %`, value: (value) => (value === null ? "—" : `${(value * 100).toFixed(1)} %`) };
  return { tick: (value) => value.toFixed(2), value: (value) => (value === null ? "—" : value.toFixed(3)) };
}

/**
 * A daily series chart on a shared date axis: lines (KPIs, fairness, performance) or stacked bars
 * (drift verdicts), a labelled y axis, a legend, optional reference lines, and tooltips synced
 * across the charts of one model by `syncId`.
 */
export function DayChart({
  rows,
  series,
  yLabel,
  format,
  variant = "line",
  syncId,
  height = 190,
  referenceLines = [],
  domain,
}: {
  rows: TDayChartRow[];
  series: TDayChartSeries[];
  yLabel: string;
  format: TValueFormat;
  variant?: "line" | "stacked-bars";
  syncId: string;
  height?: number;
  referenceLines?: Array<{ y: number; label: string }>;
  domain?: [number | "auto", number | "auto"];
}) {
  const formatter = formatterOf(format);
  // Sparse series (a weekly KPI on a daily axis) are joined across the empty days and show their points;
  // a dense series keeps its gaps, so a missing day is not drawn as if it had been measured.
  const sparse = (key: string) => rows.filter((row) => row[key] !== null).length < rows.length / 3;
  return (
    <ResponsiveContainer width="100%" height={height}>
      <ComposedChart data={rows} margin={MARGIN} syncId={syncId}>
        <CartesianGrid strokeDasharray="3 3" stroke="#e3e6eb" vertical={false} />
        <XAxis dataKey="day" scale="band" tickFormatter={formatDay} fontSize={11} minTickGap={28} tickMargin={6} />
        <YAxis
          width={Y_AXIS_WIDTH}
          fontSize={11}
          tickFormatter={formatter.tick}
          domain={domain ?? ["auto", "auto"]}
          label={{
            value: yLabel,
            angle: -90,
            position: "insideLeft",
            offset: 4,
            fontSize: 11,
            fill: "#5d6778",
            style: { textAnchor: "middle" },
          }}
        />
        <Tooltip
          labelFormatter={(day) => formatDay(String(day))}
          formatter={(value, name) => [formatter.value(value === null || value === undefined ? null : Number(value)), name]}
        />
        <Legend
          verticalAlign="top"
          align="right"
          height={26}
          iconSize={10}
          wrapperStyle={{ fontSize: 12 }}
          itemSorter={(item) => series.findIndex((entry) => entry.key === item.dataKey)}
        />
        {referenceLines.map((line) => (
          <ReferenceLine
            key={line.label}
            y={line.y}
            stroke="#9aa5ba"
            strokeDasharray="4 4"
            label={{ value: line.label, position: "insideTopLeft", fontSize: 11, fill: "#5d6778" }}
          />
        ))}
        {variant === "stacked-bars"
          ? series.map((entry) => (
              <Bar
                key={entry.key}
                dataKey={entry.key}
                name={entry.label}
                stackId="days"
                fill={entry.color}
                isAnimationActive={false}
                maxBarSize={14}
              />
            ))
          : series.map((entry) => (
              <Line
                key={entry.key}
                type="linear"
                dataKey={entry.key}
                name={entry.label}
                stroke={entry.color}
                strokeWidth={2}
                dot={sparse(entry.key) ? { r: 2.5 } : false}
                connectNulls={sparse(entry.key)}
                isAnimationActive={false}
              />
            ))}
      </ComposedChart>
    </ResponsiveContainer>
  );
}
