"use client";

import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { EmptyState } from "@/components/ui/empty-state";
import { CHART_MARGIN, xAxisTitle } from "./axis-titles";

/** One stored global importance (db/queries/importance.ts), as the chart needs it. */
export type TImportanceSeries = {
  rows: number;
  backgroundRows: number;
  method: string;
  features: Array<{ feature: string; meanAbsShapley: number }>;
  /** ISO times of the oldest and newest production row explained (traffic only). */
  windowStart?: string | null;
  windowEnd?: string | null;
};

// Percentage points: a mean |φ| of 0.04 on the probability scale moves a typical prediction by 4 points.
const toPoints = (value: number | undefined) => (value === undefined ? null : Number((value * 100).toFixed(2)));
const formatPoints = (value: unknown) => (typeof value === "number" ? `${value.toFixed(2)} pp` : "—");

/** The input that matters most in a series, or null. */
function topFeature(series: TImportanceSeries | null): string | null {
  if (!series || series.features.length === 0) return null;
  return series.features.reduce((top, entry) => (entry.meanAbsShapley > top.meanAbsShapley ? entry : top)).feature;
}

/**
 * Global importance per input: mean |Shapley value| in percentage points of probability over the
 * reference sample and, when given, over recent production traffic beside it, so a committee sees
 * when the model starts leaning on other inputs. Largest first by the reference.
 */
export function FeatureImportanceChart({
  reference,
  traffic,
  showTraffic = false,
}: {
  reference: TImportanceSeries | null;
  traffic?: TImportanceSeries | null;
  /** Draw the traffic series (the monitoring page); the card shows the reference alone. */
  showTraffic?: boolean;
}) {
  if (!reference && !traffic)
    return (
      <EmptyState title="No global importance yet">
        <p className="muted">The validation job computes it from the version&apos;s reference sample.</p>
      </EmptyState>
    );
  const names = (reference ?? traffic)!.features.map((entry) => entry.feature);
  const valueOf = (series: TImportanceSeries | null | undefined, feature: string) =>
    series?.features.find((entry) => entry.feature === feature)?.meanAbsShapley;
  const data = names
    .map((feature) => ({ feature, reference: toPoints(valueOf(reference, feature)), traffic: toPoints(valueOf(traffic, feature)) }))
    .sort((a, b) => (b.reference ?? b.traffic ?? 0) - (a.reference ?? a.traffic ?? 0));
  const referenceTop = topFeature(reference);
  const trafficTop = topFeature(traffic ?? null);
  const longestName = Math.max(...names.map((name) => name.length));
  return (
    <figure style={{ margin: 0 }}>
      <ResponsiveContainer width="100%" height={72 + data.length * (showTraffic ? 36 : 28)}>
        <BarChart data={data} layout="vertical" margin={{ ...CHART_MARGIN, left: 8 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="#e3e6eb" horizontal={false} />
          <XAxis type="number" fontSize={12} label={xAxisTitle("Mean |Shapley value| (pp)")} />
          <YAxis type="category" dataKey="feature" fontSize={12} width={Math.min(180, 16 + longestName * 7)} interval={0} />
          <Tooltip formatter={formatPoints} />
          <Legend verticalAlign="top" height={28} />
          {reference ? (
            <Bar dataKey="reference" name={`Reference sample (${reference.rows} rows)`} fill="#2454d6" isAnimationActive={false} />
          ) : null}
          {showTraffic && traffic ? (
            <Bar dataKey="traffic" name={`Recent traffic (${traffic.rows} rows)`} fill="#d97706" isAnimationActive={false} />
          ) : null}
        </BarChart>
      </ResponsiveContainer>
      <figcaption className="muted" style={{ fontSize: 13 }}>
        {reference
          ? `Over ${reference.rows} reference rows against ${reference.backgroundRows} background rows (${reference.method} Shapley values). `
          : ""}
        {showTraffic
          ? traffic
            ? `Traffic: the latest ${traffic.rows} production rows${traffic.windowEnd ? ` up to ${traffic.windowEnd.slice(0, 16).replace("T", " ")} UTC` : ""}${
                referenceTop && trafficTop && referenceTop !== trafficTop
                  ? `; the model now leans most on ${trafficTop}, on the reference it was ${referenceTop}.`
                  : "."
              }`
            : "No production traffic explained yet: the worker computes it every 15 minutes from at least 50 recent predictions."
          : ""}
      </figcaption>
      <table className="sr-only" aria-label="Global importance">
        <thead>
          <tr>
            <th scope="col">Input</th>
            <th scope="col">Reference (pp)</th>
            {showTraffic ? <th scope="col">Traffic (pp)</th> : null}
          </tr>
        </thead>
        <tbody>
          {data.map((row) => (
            <tr key={row.feature}>
              <th scope="row">{row.feature}</th>
              <td>{formatPoints(row.reference)}</td>
              {showTraffic ? <td>{formatPoints(row.traffic)}</td> : null}
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
