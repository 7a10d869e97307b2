/**
 * Axis titles outside the tick labels: recharts' "bottom", "left" and "right" positions place a title
 * beyond the axis's own band (where the ticks are), in the chart margin kept for it, so a title never
 * overlaps a tick label however wide the ticks are.
 */
export const CHART_MARGIN = { top: 8, right: 20, bottom: 24, left: 24 };
/** The margin of a chart with a second value axis on the right. */
export const CHART_MARGIN_TWO_AXES = { ...CHART_MARGIN, right: 24 };

export function xAxisTitle(value: string) {
  return { value, position: "bottom" as const, offset: 4, fontSize: 12, fill: "#3b4557" };
}

export function yAxisTitle(value: string, side: "left" | "right" = "left") {
  return {
    value,
    angle: side === "left" ? -90 : 90,
    position: side,
    offset: 4,
    fontSize: 12,
    fill: "#3b4557",
    style: { textAnchor: "middle" as const },
  };
}
