"use client";

import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { EmptyState } from "@/components/ui/empty-state";
import { CHART_MARGIN, xAxisTitle, yAxisTitle } from "./axis-titles";

/** Open review items at the end of each day (UTC). */
export function BacklogChart({ points }: { points: Array<{ day: string; open: number }> }) {
  if (points.every((point) => point.open === 0)) return <EmptyState title="No backlog in this period" />;
  return (
    <ResponsiveContainer width="100%" height={240}>
      <BarChart data={points} margin={CHART_MARGIN}>
        <CartesianGrid strokeDasharray="3 3" stroke="#e3e6eb" />
        <XAxis dataKey="day" tickFormatter={(day: string) => day.slice(5)} fontSize={12} label={xAxisTitle("Day (UTC)")} />
        <YAxis allowDecimals={false} fontSize={12} label={yAxisTitle("Open items")} />
        <Tooltip />
        <Legend verticalAlign="top" height={28} />
        <Bar dataKey="open" name="Open items at end of day" fill="#2454d6" isAnimationActive={false} />
      </BarChart>
    </ResponsiveContainer>
  );
}
