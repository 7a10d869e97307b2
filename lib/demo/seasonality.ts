import { createRandom } from "../random";

const HOUR_MS = 3_600_000;

/**
 * Relative traffic by hour of day (UTC as the demo's local time): a night trough around 03:00 at
 * about a tenth of the afternoon peak, rising from 07:00, a plateau 10:00–18:00 and an evening tail.
 */
export const DAILY_SHAPE: readonly number[] = [
  0.22, 0.15, 0.11, 0.1, 0.12, 0.2, 0.38, 0.62, 0.85, 0.98, 1.05, 1.1, 1.12, 1.08, 1.05, 1.04, 1.06, 1.1, 1.08, 0.98, 0.82, 0.62, 0.44, 0.3,
];

/**
 * How many predictions fall in each hour of [start, start + hours): the daily shape × a weekend
 * factor × ±8 % noise, scaled so the hours sum to exactly round(hours × meanPerHour) (largest
 * remainder), so history has a known total but never the same count every hour. Seeded.
 */
export function hourlyVolumes(input: {
  startMs: number;
  hours: number;
  meanPerHour: number;
  weekendFactor: number;
  seed: number;
}): number[] {
  const random = createRandom(input.seed);
  const weights = Array.from({ length: input.hours }, (_, index) => {
    const at = new Date(input.startMs + index * HOUR_MS);
    const weekend = at.getUTCDay() === 0 || at.getUTCDay() === 6;
    return DAILY_SHAPE[at.getUTCHours()] * (weekend ? input.weekendFactor : 1) * (1 + random.normal(0, 0.08));
  });
  const total = Math.round(input.hours * input.meanPerHour);
  const sum = weights.reduce((accumulator, weight) => accumulator + weight, 0);
  const exact = weights.map((weight) => (weight / sum) * total);
  const counts = exact.map(Math.floor);
  const order = exact.map((value, index) => ({ index, remainder: value - Math.floor(value) })).sort((a, b) => b.remainder - a.remainder);
  const missing = total - counts.reduce((accumulator, count) => accumulator + count, 0);
  for (let index = 0; index < missing; index += 1) counts[order[index].index] += 1;
  return counts;
}
