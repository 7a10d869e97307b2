"use client";

import {
  Bar,
  BarChart,
  CartesianGrid,
  ComposedChart,
  ErrorBar,
  Legend,
  Line,
  LineChart,
  ReferenceArea,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import { EmptyState } from "@/components/ui/empty-state";
import { CHART_MARGIN, xAxisTitle, yAxisTitle } from "./axis-titles";

const GRID = "#e3e6eb";
const COLOURS = ["#2454d6", "#b45309", "#0f766e", "#9333ea", "#be123c", "#4d7c0f"];
const MARGIN = CHART_MARGIN;

/** "11-30 14:00" for hourly windows, "11-30" for daily ones (UTC). */
export function windowLabel(iso: string, granularity: "hour" | "day") {
  return granularity === "hour" ? `${iso.slice(5, 10)} ${iso.slice(11, 16)}` : iso.slice(5, 10);
}
const fixed = (digits: number) => (value: unknown) => (typeof value === "number" ? value.toFixed(digits) : "—");
const timeAxisLabel = (granularity: "hour" | "day") => (granularity === "hour" ? "Window start (UTC, hourly)" : "Day (UTC)");
const hasValues = (points: Array<Record<string, unknown>>, keys: string[]) =>
  points.some((point) => keys.some((key) => typeof point[key] === "number"));

/** One feature's drift statistic per window, with the bounds of the binned estimate and the threshold line. */
export function DriftSeriesChart({
  points,
  threshold,
  statistic,
  granularity,
}: {
  points: Array<{ start: string; value: number | null; lower: number | null; upper: number | null }>;
  threshold: number;
  statistic: string;
  granularity: "hour" | "day";
}) {
  if (!hasValues(points, ["value"])) return <EmptyState title="No windows with data in this range" />;
  // Scale to the statistic, not to the widest bound (an open top bin can make a bound huge); bounds past the top are cut at it.
  const top = Number(Math.max(threshold * 1.5, ...points.map((point) => (point.value ?? 0) * 1.3)).toPrecision(2));
  // ErrorBar takes distances below and above the value; they are drawn as whiskers, never as bars that read as data.
  const data = points.map((point) => ({
    ...point,
    bounds:
      point.value !== null && point.lower !== null && point.upper !== null
        ? [Math.max(0, point.value - point.lower), Math.max(0, Math.min(point.upper, top) - point.value)]
        : null,
  }));
  return (
    <ResponsiveContainer width="100%" height={250}>
      <ComposedChart data={data} margin={MARGIN}>
        <CartesianGrid strokeDasharray="3 3" stroke={GRID} />
        <XAxis
          dataKey="start"
          tickFormatter={(value: string) => windowLabel(value, granularity)}
          fontSize={12}
          label={xAxisTitle(timeAxisLabel(granularity))}
        />
        <YAxis fontSize={12} domain={[0, top]} allowDataOverflow tickFormatter={fixed(2)} label={yAxisTitle(statistic)} />
        <Tooltip
          labelFormatter={(value) => windowLabel(String(value), granularity)}
          formatter={(value) =>
            Array.isArray(value) ? value.map((entry) => Number(entry).toFixed(3)).join(" – ") : Number(value).toFixed(3)
          }
        />
        <Legend verticalAlign="top" wrapperStyle={{ paddingBottom: 8 }} />
        <ReferenceLine
          y={threshold}
          stroke="#b91c1c"
          strokeDasharray="6 4"
          label={{ value: `threshold ${threshold}`, position: "insideTopRight", fontSize: 11, fill: "#b91c1c" }}
        />
        <Line
          type="monotone"
          dataKey="value"
          name={`${statistic} (whiskers: bounds of the binned estimate)`}
          stroke={COLOURS[0]}
          strokeWidth={2}
          dot={{ r: 2 }}
          connectNulls
          isAnimationActive={false}
        >
          <ErrorBar dataKey="bounds" width={4} stroke="#64748b" strokeWidth={1} direction="y" />
        </Line>
      </ComposedChart>
    </ResponsiveContainer>
  );
}

/** Reference vs current share per bin (numerical) or per category, over the whole range. */
export function HistogramChart({ bins, feature }: { bins: Array<{ bin: string; reference: number; current: number }>; feature: string }) {
  if (bins.length === 0) return <EmptyState title="No data for this feature" />;
  const data = bins.map((bin) => ({ bin: bin.bin, reference: bin.reference * 100, current: bin.current * 100 }));
  return (
    <ResponsiveContainer width="100%" height={250}>
      <BarChart data={data} margin={MARGIN} barGap={0}>
        <CartesianGrid strokeDasharray="3 3" stroke={GRID} />
        <XAxis dataKey="bin" fontSize={11} interval="preserveStartEnd" label={xAxisTitle(`${feature} (reference-percentile bins)`)} />
        <YAxis fontSize={12} unit=" %" label={yAxisTitle("Share of rows")} />
        <Tooltip formatter={(value) => `${Number(value).toFixed(2)} %`} />
        <Legend verticalAlign="top" wrapperStyle={{ paddingBottom: 8 }} />
        <Bar dataKey="reference" name="Reference" fill="#94a3b8" isAnimationActive={false} />
        <Bar dataKey="current" name="Current (range)" fill={COLOURS[0]} isAnimationActive={false} />
      </BarChart>
    </ResponsiveContainer>
  );
}

type TSeries = { key: string; name: string; dashed?: boolean };

/** Several metrics per window on one axis (performance, prediction drift, disparate impact, latency). */
export function MetricLinesChart({
  points,
  series,
  granularity,
  axisLabel,
  unit,
  domain,
  references = [],
  emptyTitle,
  emptyText,
  digits = 3,
}: {
  points: Array<Record<string, unknown>>;
  series: TSeries[];
  granularity: "hour" | "day";
  axisLabel: string;
  unit?: string;
  domain?: [number | "auto", number | "auto"];
  references?: Array<{ y: number; label: string }>;
  emptyTitle: string;
  emptyText?: string;
  digits?: number;
}) {
  if (
    !hasValues(
      points,
      series.map((entry) => entry.key),
    )
  )
    return <EmptyState title={emptyTitle}>{emptyText}</EmptyState>;
  return (
    <ResponsiveContainer width="100%" height={250}>
      <LineChart data={points} margin={MARGIN}>
        <CartesianGrid strokeDasharray="3 3" stroke={GRID} />
        <XAxis
          dataKey="start"
          tickFormatter={(value: string) => windowLabel(value, granularity)}
          fontSize={12}
          label={xAxisTitle(timeAxisLabel(granularity))}
        />
        <YAxis
          fontSize={12}
          unit={unit}
          domain={domain ?? ["auto", "auto"]}
          tickFormatter={fixed(digits > 2 ? 2 : digits)}
          label={yAxisTitle(axisLabel)}
        />
        <Tooltip
          labelFormatter={(value) => windowLabel(String(value), granularity)}
          formatter={(value) => (typeof value === "number" ? `${value.toFixed(digits)}${unit ?? ""}` : "—")}
        />
        <Legend verticalAlign="top" wrapperStyle={{ paddingBottom: 8 }} />
        {references.map((reference) => (
          <ReferenceLine
            key={reference.label}
            y={reference.y}
            stroke="#b91c1c"
            strokeDasharray="6 4"
            label={{ value: reference.label, position: "insideBottomRight", fontSize: 11, fill: "#b91c1c" }}
          />
        ))}
        {series.map((entry, index) => (
          <Line
            key={entry.key}
            type="monotone"
            dataKey={entry.key}
            name={entry.name}
            stroke={COLOURS[index % COLOURS.length]}
            strokeWidth={2}
            strokeDasharray={entry.dashed ? "5 4" : undefined}
            dot={{ r: 2 }}
            connectNulls
            isAnimationActive={false}
          />
        ))}
      </LineChart>
    </ResponsiveContainer>
  );
}

/** Favourable-outcome rate per group with the four-fifths band: a group below 80 % of the best group's rate is flagged. */
export function GroupRatesChart({
  attribute,
  groups,
}: {
  attribute: string;
  groups: Array<{ group: string; favourableRate: number | null; tpr: number | null; fpr: number | null }>;
}) {
  const rated = groups.filter((group) => group.favourableRate !== null);
  if (rated.length === 0) return <EmptyState title={`No predictions with ${attribute} in this range`} />;
  const best = Math.max(...rated.map((group) => group.favourableRate!)) * 100;
  const data = groups.map((group) => ({
    group: group.group,
    favourable: (group.favourableRate ?? 0) * 100,
    tpr: group.tpr === null ? null : group.tpr * 100,
    fpr: group.fpr === null ? null : group.fpr * 100,
  }));
  return (
    <ResponsiveContainer width="100%" height={250}>
      <BarChart data={data} margin={MARGIN}>
        <CartesianGrid strokeDasharray="3 3" stroke={GRID} />
        <XAxis dataKey="group" fontSize={12} label={xAxisTitle(attribute)} />
        <YAxis fontSize={12} unit=" %" domain={[0, 100]} label={yAxisTitle("Rate")} />
        <Tooltip formatter={(value) => (typeof value === "number" ? `${value.toFixed(1)} %` : "undefined")} />
        <Legend verticalAlign="top" wrapperStyle={{ paddingBottom: 8 }} />
        <ReferenceArea y1={0.8 * best} y2={best} fill="#dcfce7" fillOpacity={0.6} />
        <Bar dataKey="favourable" name="Favourable outcome rate" fill={COLOURS[0]} isAnimationActive={false} />
        <Bar dataKey="tpr" name="True positive rate" fill={COLOURS[2]} isAnimationActive={false} />
        <Bar dataKey="fpr" name="False positive rate" fill={COLOURS[1]} isAnimationActive={false} />
      </BarChart>
    </ResponsiveContainer>
  );
}

/** Predictions per window. */
export function VolumeChart({
  points,
  granularity,
}: {
  points: Array<{ start: string; volume: number | null }>;
  granularity: "hour" | "day";
}) {
  if (!hasValues(points, ["volume"])) return <EmptyState title="No predictions in this range" />;
  return (
    <ResponsiveContainer width="100%" height={250}>
      <BarChart data={points} margin={MARGIN}>
        <CartesianGrid strokeDasharray="3 3" stroke={GRID} />
        <XAxis
          dataKey="start"
          tickFormatter={(value: string) => windowLabel(value, granularity)}
          fontSize={12}
          label={xAxisTitle(timeAxisLabel(granularity))}
        />
        <YAxis fontSize={12} allowDecimals={false} label={yAxisTitle("Predictions")} />
        <Tooltip labelFormatter={(value) => windowLabel(String(value), granularity)} />
        <Legend verticalAlign="top" wrapperStyle={{ paddingBottom: 8 }} />
        <Bar dataKey="volume" name="Predictions per window" fill={COLOURS[0]} isAnimationActive={false} />
      </BarChart>
    </ResponsiveContainer>
  );
}
