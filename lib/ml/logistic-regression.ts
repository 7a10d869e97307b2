/**
 * L2-regularised logistic regression fitted by Newton's method (IRLS) on standardised features —
 * the objective of scikit-learn's LogisticRegression(penalty="l2", C) on the same standardised
 * data: Σ log-loss + (1 / (2C))·‖w‖² with an unpenalised intercept. Newton converges in a few
 * deterministic steps for tabular problems of this size.
 */
export type TLogisticModel = { means: number[]; stds: number[]; weights: number[]; bias: number; iterations: number };

export function trainLogisticRegression(input: {
  rows: number[][];
  labels: number[];
  c?: number;
  maxIterations?: number;
  tolerance?: number;
}): TLogisticModel {
  const { rows, labels } = input;
  const c = input.c ?? 1;
  const width = rows[0]?.length ?? 0;
  const count = rows.length;
  const means = Array.from({ length: width }, (_, j) => rows.reduce((sum, row) => sum + row[j], 0) / count);
  // Population standard deviation, as scikit-learn's StandardScaler; a constant column keeps 1.
  const stds = means.map((mean, j) => Math.sqrt(rows.reduce((sum, row) => sum + (row[j] - mean) ** 2, 0) / count) || 1);
  const z = rows.map((row) => row.map((value, j) => (value - means[j]) / stds[j]));
  const theta = new Array(width + 1).fill(0); // [bias, w...]
  let iterations = 0;
  for (; iterations < (input.maxIterations ?? 50); iterations += 1) {
    const gradient = new Array(width + 1).fill(0);
    const hessian = Array.from({ length: width + 1 }, () => new Array(width + 1).fill(0));
    for (let i = 0; i < count; i += 1) {
      const x = [1, ...z[i]];
      const p = 1 / (1 + Math.exp(-x.reduce((sum, value, j) => sum + value * theta[j], 0)));
      const weight = p * (1 - p);
      for (let a = 0; a <= width; a += 1) {
        gradient[a] += (p - labels[i]) * x[a];
        for (let b = a; b <= width; b += 1) hessian[a][b] += weight * x[a] * x[b];
      }
    }
    for (let a = 0; a <= width; a += 1) {
      for (let b = 0; b < a; b += 1) hessian[a][b] = hessian[b][a];
      if (a > 0) {
        gradient[a] += theta[a] / c;
        hessian[a][a] += 1 / c;
      }
    }
    const step = solveLinearSystem(hessian, gradient);
    let largest = 0;
    for (let a = 0; a <= width; a += 1) {
      theta[a] -= step[a];
      largest = Math.max(largest, Math.abs(step[a]));
    }
    if (largest < (input.tolerance ?? 1e-10)) break;
  }
  return { means, stds, weights: theta.slice(1), bias: theta[0], iterations: iterations + 1 };
}

/** p(positive) for each row, in float64: the reference the ONNX export is checked against. */
export function predictProbability(model: TLogisticModel, rows: number[][]): number[] {
  return rows.map((row) => {
    const logit = row.reduce((sum, value, j) => sum + ((value - model.means[j]) / model.stds[j]) * model.weights[j], model.bias);
    return 1 / (1 + Math.exp(-logit));
  });
}

/** Gaussian elimination with partial pivoting; the systems here are small and well conditioned. */
function solveLinearSystem(matrix: number[][], vector: number[]): number[] {
  const n = vector.length;
  const a = matrix.map((row, index) => [...row, vector[index]]);
  for (let column = 0; column < n; column += 1) {
    let pivot = column;
    for (let row = column + 1; row < n; row += 1) if (Math.abs(a[row][column]) > Math.abs(a[pivot][column])) pivot = row;
    [a[column], a[pivot]] = [a[pivot], a[column]];
    if (Math.abs(a[column][column]) < 1e-300) throw new Error("the system is singular");
    for (let row = column + 1; row < n; row += 1) {
      const factor = a[row][column] / a[column][column];
      for (let k = column; k <= n; k += 1) a[row][k] -= factor * a[column][k];
    }
  }
  const solution = new Array(n).fill(0);
  for (let row = n - 1; row >= 0; row -= 1) {
    let sum = a[row][n];
    for (let k = row + 1; k < n; k += 1) sum -= a[row][k] * solution[k];
    solution[row] = sum / a[row][row];
  }
  return solution;
}
