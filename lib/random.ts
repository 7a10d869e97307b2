/** A small seeded PRNG (mulberry32): demo data, samples and benchmarks must be the same on every machine. */
export function createRandom(seed: number) {
  let state = seed >>> 0;
  const uniform = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  // Box–Muller; one of the pair is dropped to keep the sequence simple to reason about.
  const normal = (mean = 0, sd = 1): number => {
    const u = Math.max(uniform(), 1e-12);
    return mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * uniform());
  };
  // Knuth's method: fine for the small rates used here.
  const poisson = (lambda: number): number => {
    const limit = Math.exp(-lambda);
    let k = 0;
    let product = uniform();
    while (product > limit) {
      k += 1;
      product *= uniform();
    }
    return k;
  };
  const choice = <T>(values: readonly T[], weights: readonly number[]): T => {
    const total = weights.reduce((sum, weight) => sum + weight, 0);
    let draw = uniform() * total;
    for (let index = 0; index < values.length; index += 1) {
      draw -= weights[index];
      if (draw < 0) return values[index];
    }
    return values[values.length - 1];
  };
  return { uniform, normal, poisson, choice };
}
