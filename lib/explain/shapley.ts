import { createRandom } from "@/lib/random";

/** Runs the model on `rowCount` rows of `width` float32 inputs (row-major); returns one probability per row. */
export type TBatchPredictor = (rows: Float32Array, rowCount: number, width: number) => Promise<Float64Array>;

type TFeatureContribution = {
  feature: string;
  value: number;
  /** φ_i on the probability scale. */
  contribution: number;
  /** Standard error of φ_i over antithetic permutation pairs (sampling only). */
  standardError?: number;
};

export type TShapleyExplanation = {
  method: "exact" | "sampling";
  /** Always the probability scale: φ add up to prediction − baseValue in the units the analyst reads. */
  scale: "probability";
  backgroundRows: number;
  /** Permutations drawn (sampling only). */
  permutations: number | null;
  /** v(∅): the mean prediction over the background. */
  baseValue: number;
  /** v(all features): the model's prediction for x. */
  prediction: number;
  contributions: TFeatureContribution[];
  /** |Σφ − (prediction − baseValue)|, checked against `efficiencyTolerance`. */
  efficiencyGap: number;
  /** Model rows evaluated, to say what the explanation cost. */
  modelRows: number;
};

export type TShapleyOptions = {
  /** Exact enumeration of all 2^d coalitions up to this many features; permutation sampling above. */
  exactMaxFeatures?: number;
  /** Permutations for the sampling estimate (rounded up to an even number: they come in antithetic pairs). */
  permutations?: number;
  seed?: number;
  /** Rows handed to the predictor per call, to bound memory for large 2^d × B. */
  maxRowsPerCall?: number;
  efficiencyTolerance?: number;
};

const EXACT_MAX_FEATURES = 12;
const DEFAULT_PERMUTATIONS = 256;
const DEFAULT_MAX_ROWS_PER_CALL = 65_536;

/**
 * Interventional Shapley values of one prediction (Lundberg & Lee 2017, "A Unified Approach to
 * Interpreting Model Predictions", eq. 8 with interventional conditional expectations; Janzing
 * et al. 2020): v(S) = mean over background rows b of f(x_S, b_S̄) and
 * φ_i = Σ_{S ⊆ F∖{i}} |S|!(d − |S| − 1)!/d! · (v(S ∪ {i}) − v(S)).
 *
 * The value function is the predicted probability, not the log-odds: SHAP's KernelExplainer
 * explains a probability output on that scale by default (link="identity"), and an analyst reads
 * the probability, so the bars add up to "prediction − base value" in the same units.
 *
 * d ≤ `exactMaxFeatures`: every coalition is evaluated (2^d × B model rows) and φ is exact for
 * this background. Above: antithetic permutation sampling (a permutation and its reverse), each
 * permutation walking its prefix coalitions with the full background mean, so every sample
 * satisfies efficiency exactly and the standard error reflects the permutation draw only.
 */
export async function explainWithShapley(input: {
  features: string[];
  x: ArrayLike<number>;
  /** Background rows, each of length d (e.g. reference data). */
  background: ArrayLike<number>[];
  predict: TBatchPredictor;
  options?: TShapleyOptions;
}): Promise<TShapleyExplanation> {
  const { features, x, background, predict } = input;
  const width = features.length;
  const options = input.options ?? {};
  if (width === 0) throw new Error("explainWithShapley: no features to explain");
  if (x.length !== width) throw new Error(`explainWithShapley: x has ${x.length} values for ${width} features`);
  if (background.length === 0) throw new Error("explainWithShapley: the background is empty");
  background.forEach((row, index) => {
    if (row.length !== width) throw new Error(`explainWithShapley: background row ${index} has ${row.length} values for ${width} features`);
  });
  const evaluate = coalitionEvaluator({ x, background, predict, maxRowsPerCall: options.maxRowsPerCall ?? DEFAULT_MAX_ROWS_PER_CALL });
  // Past 20 features 2^d coalitions no longer fit in memory (nor in a 32-bit mask).
  const exact = width <= Math.min(options.exactMaxFeatures ?? EXACT_MAX_FEATURES, 20);
  const result = exact
    ? await exactShapley(width, evaluate)
    : await sampledShapley(width, evaluate, evenAtLeastTwo(options.permutations ?? DEFAULT_PERMUTATIONS), options.seed ?? 1);

  const total = result.phi.reduce((sum, value) => sum + value, 0);
  const efficiencyGap = Math.abs(total - (result.prediction - result.baseValue));
  const tolerance = options.efficiencyTolerance ?? 1e-9;
  // Both estimators telescope to v(all) − v(∅) by construction; a gap means a bug, not noise.
  if (efficiencyGap > tolerance) throw new Error(`explainWithShapley: Σφ differs from prediction − base value by ${efficiencyGap}`);
  return {
    method: exact ? "exact" : "sampling",
    scale: "probability",
    backgroundRows: background.length,
    permutations: exact ? null : result.permutations,
    baseValue: result.baseValue,
    prediction: result.prediction,
    contributions: features.map((feature, index) => ({
      feature,
      value: x[index],
      contribution: result.phi[index],
      ...(result.standardErrors ? { standardError: result.standardErrors[index] } : {}),
    })),
    efficiencyGap,
    modelRows: evaluate.modelRows(),
  };
}

type TCoalitionEvaluator = {
  /** v(S) for each coalition, given as membership flags (1 = the feature takes x's value). */
  values: (coalitions: Uint8Array[]) => Promise<Float64Array>;
  modelRows: () => number;
};

/** Builds the hybrid rows (x on S, background elsewhere) and averages the predictions per coalition, in bounded batches. */
function coalitionEvaluator(input: {
  x: ArrayLike<number>;
  background: ArrayLike<number>[];
  predict: TBatchPredictor;
  maxRowsPerCall: number;
}): TCoalitionEvaluator {
  const width = input.x.length;
  const backgroundCount = input.background.length;
  const coalitionsPerCall = Math.max(1, Math.floor(input.maxRowsPerCall / backgroundCount));
  let modelRows = 0;
  return {
    modelRows: () => modelRows,
    values: async (coalitions) => {
      const values = new Float64Array(coalitions.length);
      for (let start = 0; start < coalitions.length; start += coalitionsPerCall) {
        const chunk = coalitions.slice(start, start + coalitionsPerCall);
        const rowCount = chunk.length * backgroundCount;
        const rows = new Float32Array(rowCount * width);
        chunk.forEach((members, coalition) => {
          for (let b = 0; b < backgroundCount; b += 1) {
            const offset = (coalition * backgroundCount + b) * width;
            const backgroundRow = input.background[b];
            for (let feature = 0; feature < width; feature += 1)
              rows[offset + feature] = members[feature] ? input.x[feature] : backgroundRow[feature];
          }
        });
        const predictions = await input.predict(rows, rowCount, width);
        if (predictions.length !== rowCount) throw new Error(`the predictor returned ${predictions.length} values for ${rowCount} rows`);
        modelRows += rowCount;
        chunk.forEach((_, coalition) => {
          let sum = 0;
          for (let b = 0; b < backgroundCount; b += 1) sum += predictions[coalition * backgroundCount + b];
          values[start + coalition] = sum / backgroundCount;
        });
      }
      return values;
    },
  };
}

type TEstimate = { phi: number[]; baseValue: number; prediction: number; standardErrors?: number[]; permutations: number };

async function exactShapley(width: number, evaluate: TCoalitionEvaluator): Promise<TEstimate> {
  const count = 2 ** width;
  const coalitions = Array.from({ length: count }, (_, mask) => membersOfMask(mask, width));
  const v = await evaluate.values(coalitions);
  // weight[s] = s!(d − s − 1)!/d!, built by recurrence to avoid large factorials.
  const weight = new Float64Array(width);
  weight[0] = 1 / width;
  for (let size = 1; size < width; size += 1) weight[size] = (weight[size - 1] * size) / (width - size);
  const phi = new Array<number>(width).fill(0);
  for (let mask = 0; mask < count; mask += 1) {
    const size = popCount(mask);
    for (let feature = 0; feature < width; feature += 1) {
      const bit = 1 << feature;
      if (mask & bit) continue;
      phi[feature] += weight[size] * (v[mask | bit] - v[mask]);
    }
  }
  return { phi, baseValue: v[0], prediction: v[count - 1], permutations: 0 };
}

async function sampledShapley(width: number, evaluate: TCoalitionEvaluator, permutationCount: number, seed: number): Promise<TEstimate> {
  const random = createRandom(seed);
  const orders: number[][] = [];
  for (let pair = 0; pair < permutationCount / 2; pair += 1) {
    const order = Array.from({ length: width }, (_, index) => index);
    for (let index = width - 1; index > 0; index -= 1) {
      const swap = Math.floor(random.uniform() * (index + 1));
      [order[index], order[swap]] = [order[swap], order[index]];
    }
    orders.push(order, [...order].reverse());
  }
  // Each permutation needs its d + 1 prefix coalitions; many repeat (∅, all, every singleton…), so each distinct one is evaluated once.
  const keys = new Map<string, number>();
  const coalitions: Uint8Array[] = [];
  const prefixIndexes = orders.map((order) => {
    const members = new Uint8Array(width);
    const indexes = [coalitionIndex(members, keys, coalitions)];
    for (const feature of order) {
      members[feature] = 1;
      indexes.push(coalitionIndex(members, keys, coalitions));
    }
    return indexes;
  });
  const v = await evaluate.values(coalitions);
  const pairSamples = Array.from({ length: width }, () => new Float64Array(orders.length / 2));
  orders.forEach((order, permutation) => {
    const indexes = prefixIndexes[permutation];
    order.forEach((feature, position) => {
      // The two halves of an antithetic pair are averaged into one sample, so the standard error accounts for their (negative) correlation.
      pairSamples[feature][permutation >> 1] += (v[indexes[position + 1]] - v[indexes[position]]) / 2;
    });
  });
  const phi = pairSamples.map((samples) => mean(samples));
  const standardErrors = pairSamples.map((samples, feature) => standardDeviation(samples, phi[feature]) / Math.sqrt(samples.length));
  const allIndex = coalitionIndex(new Uint8Array(width).fill(1), keys, coalitions);
  return { phi, baseValue: v[0], prediction: v[allIndex], standardErrors, permutations: orders.length };
}

function coalitionIndex(members: Uint8Array, keys: Map<string, number>, coalitions: Uint8Array[]): number {
  const key = members.join("");
  let index = keys.get(key);
  if (index === undefined) {
    index = coalitions.length;
    keys.set(key, index);
    coalitions.push(Uint8Array.from(members));
  }
  return index;
}

function membersOfMask(mask: number, width: number): Uint8Array {
  const members = new Uint8Array(width);
  for (let feature = 0; feature < width; feature += 1) members[feature] = (mask >> feature) & 1;
  return members;
}

function popCount(mask: number): number {
  let count = 0;
  for (let rest = mask; rest; rest &= rest - 1) count += 1;
  return count;
}

function evenAtLeastTwo(count: number): number {
  const whole = Math.max(2, Math.ceil(count));
  return whole % 2 === 0 ? whole : whole + 1;
}

function mean(values: Float64Array): number {
  let sum = 0;
  for (const value of values) sum += value;
  return sum / values.length;
}

/** Sample standard deviation (n − 1); 0 for a single sample. */
function standardDeviation(values: Float64Array, center: number): number {
  if (values.length < 2) return 0;
  let sum = 0;
  for (const value of values) sum += (value - center) ** 2;
  return Math.sqrt(sum / (values.length - 1));
}
