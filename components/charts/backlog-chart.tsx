"use client";

import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { EmptyState } from "@/components/ui/empty-state";

/** Open review items at the end of each day (UTC). */
export function BacklogChart({ points }: { points: Array<{ day: string; open: number }> }) {
  if (points.every((point) => point.open === 0)) return <EmptyState title="No backlog in this period" />;
  return (
    <ResponsiveContainer width="100%" height={240}>
      <BarChart data={points} margin={{ top: 8, right: 16, bottom: 24, left: 8 }}>
        <CartesianGrid strokeDasharray="3 3" stroke="#e3e6eb" />
        <XAxis
          dataKey="day"
          tickFormatter={(day: string) => day.slice(5)}
          fontSize={12}
          label={{ value: "Day (UTC)", position: "insideBottom", offset: -14 }}
        />
        <YAxis allowDecimals={false} fontSize={12} label={{ value: "Open items", angle: -90, position: "insideLeft", offset: 10 }} />
        <Tooltip />
        <Legend verticalAlign="top" height={28} />
        <Bar dataKey="open" name="Open items at end of day" fill="#2454d6" isAnimationActive={false} />
      </BarChart>
    </ResponsiveContainer>
  );
}
