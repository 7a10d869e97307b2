import { describe, expect, it } from "vitest";
import { DAILY_SHAPE, hourlyVolumes } from "./seasonality";

const HOUR_MS = 3_600_000;
// Monday 2026-11-30 00:00 UTC, two weeks.
const startMs = Date.UTC(2026, 10, 30);
const volumes = hourlyVolumes({ startMs, hours: 14 * 24, meanPerHour: 500, weekendFactor: 0.6, seed: 3 });
const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
const hourOf = (index: number) => new Date(startMs + index * HOUR_MS);

describe("hourlyVolumes", () => {
  it("sums to exactly hours × mean per hour", () => {
    expect(volumes.reduce((sum, volume) => sum + volume, 0)).toBe(14 * 24 * 500);
  });

  it("has fewer predictions at night than by day, and at weekends than on weekdays", () => {
    const night = volumes.filter((_, index) => hourOf(index).getUTCHours() < 5);
    const day = volumes.filter((_, index) => hourOf(index).getUTCHours() >= 10 && hourOf(index).getUTCHours() < 18);
    expect(mean(night)).toBeLessThan(mean(day) / 4);
    const weekend = volumes.filter((_, index) => [0, 6].includes(hourOf(index).getUTCDay()));
    const weekday = volumes.filter((_, index) => ![0, 6].includes(hourOf(index).getUTCDay()));
    // The shape is the same every day, so the weekend's share is the factor, within the noise.
    expect(mean(weekend) / mean(weekday)).toBeGreaterThan(0.55);
    expect(mean(weekend) / mean(weekday)).toBeLessThan(0.65);
  });

  it("never repeats the same count every hour, and follows the daily shape's peak", () => {
    expect(new Set(volumes).size).toBeGreaterThan(100);
    const byHour = Array.from({ length: 24 }, (_, hour) => mean(volumes.filter((_, index) => hourOf(index).getUTCHours() === hour)));
    expect(byHour.indexOf(Math.max(...byHour))).toBe(DAILY_SHAPE.indexOf(Math.max(...DAILY_SHAPE)));
  });
});
