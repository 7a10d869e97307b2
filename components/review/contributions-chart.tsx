"use client";

import { Bar, BarChart, CartesianGrid, Cell, LabelList, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { formatSigned, formatStandardError, formatValue } from "@/lib/format";

export type TContributionBar = { feature: string; value: number; contribution: number; standardError?: number };

// SHAP's convention: red pushes the probability up (towards the positive label), blue pushes it down.
const TOWARDS_POSITIVE = "#c0392b";
const TOWARDS_NEGATIVE = "#2454d6";

/**
 * Round ticks (steps of 1, 2, 2.5 or 5 × 10^k) over a range that includes 0 and leaves room past
 * the longest bar on each side for its value label.
 */
function axisTicks(low: number, high: number, labelRoom: number): { ticks: number[]; fractionDigits: number } {
  const span = Math.max(0, high) - Math.min(0, low);
  const min = low < 0 ? low - labelRoom * span : 0;
  const max = high > 0 ? high + labelRoom * span : 0;
  const power = 10 ** Math.floor(Math.log10((max - min) / 5 || 0.01));
  // The step whose rounded-out range is tightest while giving 4 to 9 ticks.
  const candidates = [0.5, 1, 2, 2.5, 5, 10, 20]
    .map((factor) => Number((factor * power).toPrecision(12)))
    .map((step) => {
      const first = Math.floor(min / step);
      const last = Math.ceil(max / step);
      return { step, first, last, width: (last - first) * step };
    });
  const chosen =
    candidates
      .filter((candidate) => candidate.last - candidate.first >= 3 && candidate.last - candidate.first <= 8)
      .sort((a, b) => a.width - b.width)[0] ?? candidates[3];
  const ticks = Array.from({ length: chosen.last - chosen.first + 1 }, (_, index) =>
    Number(((chosen.first + index) * chosen.step).toPrecision(12)),
  );
  const step = chosen.step;
  const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
  // 0.025 needs one more decimal than 0.02.
  return { ticks, fractionDigits: Number(step.toFixed(decimals)) === step ? decimals : decimals + 1 };
}

/** Per-feature contributions as horizontal bars, largest effect first, on the probability scale. */
export function ContributionsChart({ bars }: { bars: TContributionBar[] }) {
  const data = [...bars]
    .sort((a, b) => Math.abs(b.contribution) - Math.abs(a.contribution))
    .map((bar) => ({
      ...bar,
      label: `${bar.feature} = ${formatValue(bar.value)}`,
      // The standard error is written beside the value: whiskers a few pixels long would not be seen.
      valueLabel: `${formatSigned(bar.contribution, 3)}${bar.standardError !== undefined ? ` ± ${formatStandardError(bar.standardError)}` : ""}`,
    }));
  const sampled = data.some((bar) => bar.standardError !== undefined);
  const { ticks, fractionDigits } = axisTicks(
    Math.min(...data.map((bar) => bar.contribution - (bar.standardError ?? 0))),
    Math.max(...data.map((bar) => bar.contribution + (bar.standardError ?? 0))),
    sampled ? 0.3 : 0.15,
  );
  return (
    <ResponsiveContainer width="100%" height={data.length * 30 + 64}>
      <BarChart data={data} layout="vertical" margin={{ top: 4, right: 56, bottom: 24, left: 8 }}>
        <CartesianGrid strokeDasharray="3 3" stroke="#e3e6eb" horizontal={false} />
        <XAxis
          type="number"
          fontSize={12}
          domain={[ticks[0], ticks[ticks.length - 1]]}
          ticks={ticks}
          tickFormatter={(value: number) => formatSigned(value, fractionDigits)}
          label={{ value: "Δ probability", position: "insideBottom", offset: -14, fontSize: 12 }}
        />
        <YAxis type="category" dataKey="label" width={230} fontSize={12} interval={0} tickLine={false} />
        <ReferenceLine x={0} stroke="#5d6778" />
        <Tooltip
          cursor={{ fill: "#f1f3f6" }}
          formatter={(value, _name, item) => {
            const error = (item.payload as TContributionBar).standardError;
            return [`${formatSigned(Number(value))}${error !== undefined ? ` ± ${formatStandardError(error)}` : ""}`, "Δ probability"];
          }}
        />
        <Bar dataKey="contribution" isAnimationActive={false} barSize={18}>
          <LabelList dataKey="valueLabel" position="right" fontSize={11} fill="#3b4557" />
          {data.map((bar) => (
            <Cell key={bar.feature} fill={bar.contribution >= 0 ? TOWARDS_POSITIVE : TOWARDS_NEGATIVE} />
          ))}
        </Bar>
      </BarChart>
    </ResponsiveContainer>
  );
}
