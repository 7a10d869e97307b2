import { describe, expect, it } from "vitest";
import { collectCsvText, InputError } from "./csv-columns";
import {
  buildDriftColumns,
  buildFairnessInput,
  buildPerformanceInput,
  driftColumnSpecs,
  fairnessColumnSpecs,
  parseAssignments,
  performanceColumnSpecs,
  selectDriftColumns,
  selectFairnessColumns,
  selectPerformanceColumns,
  splitList,
} from "./stats-input";

describe("splitList and parseAssignments", () => {
  it("splits comma lists and FEATURE=VALUE options", () => {
    expect(splitList(" a, b ,,c ")).toEqual(["a", "b", "c"]);
    expect(splitList(undefined)).toEqual([]);
    expect([...parseAssignments(["age=ks", " income = 0.2 ", "a=b=psi"], "--test")]).toEqual([
      ["age", "ks"],
      ["income", "0.2"],
      ["a=b", "psi"],
    ]);
  });

  it.each([
    [["age"], '--test "age": expected FEATURE=VALUE'],
    [["=ks"], '--test "=ks": expected FEATURE=VALUE'],
    [["age="], '--test "age=": expected FEATURE=VALUE'],
    [["age=ks", "age=psi"], '--test names "age" twice'],
  ])("refuses %j", (values, message) => {
    expect(() => parseAssignments(values, "--test")).toThrow(new InputError(message));
  });
});

const reference = { file: "ref.csv", header: ["age", "income", "city", ""] };
const current = { file: "cur.csv", header: ["", "income", "age", "city", "extra"] };

describe("selectDriftColumns", () => {
  it("compares the reference's columns, in its order, unnamed index columns and extra current columns left out", () => {
    expect(selectDriftColumns({ reference, current })).toEqual({
      names: ["age", "income", "city"],
      categorical: new Set(),
      tests: {},
      thresholds: {},
    });
  });

  it("takes --columns, --categorical, --test and --threshold", () => {
    const selection = selectDriftColumns({
      reference,
      current,
      columns: "income, city",
      categorical: "city",
      tests: ["income=psi", "city=jensenshannon"],
      thresholds: ["income=0.2"],
    });
    expect(selection).toEqual({
      names: ["income", "city"],
      categorical: new Set(["city"]),
      tests: { income: "psi", city: "jensenshannon" },
      thresholds: { income: 0.2 },
    });
  });

  it.each([
    [{ columns: "age,extra" }, '--columns: ref.csv has no column "extra"'],
    [{ columns: "," }, "--columns names no column"],
    [{ categorical: "zip" }, '--categorical names "zip", which is not among the compared columns ("age", "income", "city")'],
    [{ columns: "age", tests: ["income=ks"] }, '--test names "income", which is not among the compared columns ("age")'],
    [{ tests: ["age=t-test"] }, "--test age=t-test: unknown test; use one of ks, psi, wasserstein, jensenshannon, chisquare"],
    [{ categorical: "city", tests: ["city=ks"] }, '--test city=ks: "city" is named in --categorical, and ks needs a numerical column'],
    [{ thresholds: ["age=-1"] }, "--threshold age=-1: expected a number ≥ 0"],
    [{ thresholds: ["age=high"] }, "--threshold age=high: expected a number ≥ 0"],
  ])("refuses %j", (options, message) => {
    expect(() => selectDriftColumns({ reference, current, ...options })).toThrow(new InputError(message));
  });

  it("refuses a reference column missing from the current file, naming it (a feature absent in production is a data failure)", () => {
    expect(() => selectDriftColumns({ reference: { ...reference, header: ["id", ...reference.header] }, current })).toThrow(
      new InputError(
        'cur.csv has no column "id" of ref.csv: a reference feature missing from the current data is a data failure (pass --columns to compare fewer features)',
      ),
    );
    expect(() =>
      selectDriftColumns({ reference: { file: "ref.csv", header: ["a", "b"] }, current: { file: "cur.csv", header: ["c"] } }),
    ).toThrow(
      new InputError(
        'cur.csv has no column "a", "b" of ref.csv: a reference feature missing from the current data is a data failure (pass --columns to compare fewer features)',
      ),
    );
  });
});

describe("buildDriftColumns", () => {
  const read = (file: string, text: string, options: Partial<Parameters<typeof selectDriftColumns>[0]> = {}) => {
    const referenceText = "a,b,c,d\n1,x,1,2\n2,y,2,3\n3,x,3,4\n";
    const selection = selectDriftColumns({
      reference: { file: "ref.csv", header: ["a", "b", "c", "d"] },
      current: { file, header: ["a", "b", "c", "d"] },
      ...options,
    });
    const specs = driftColumnSpecs(selection);
    return buildDriftColumns({
      reference: collectCsvText(referenceText, { file: "ref.csv", columns: specs }),
      current: collectCsvText(text, { file, columns: specs }),
      selection,
    });
  };

  it("makes a column categorical when values in both files are not numbers, or when it is named in --categorical", () => {
    const columns = read("cur.csv", "a,b,c,d\n4,x,1,two\n5,z,2,3\n", { categorical: "c,d" });
    expect(columns.map((column) => [column.name, column.kind])).toEqual([
      ["a", "numerical"],
      ["b", "categorical"],
      ["c", "categorical"],
      ["d", "categorical"],
    ]);
    expect(columns[0]).toEqual({ name: "a", kind: "numerical", reference: [1, 2, 3], current: [4, 5] });
    // Numbers of a categorical column become categories by their value (detectDrift calls String()).
    expect(columns[3].reference).toEqual([2, 3, 4]);
    expect(columns[3].current).toEqual(["two", 3]);
  });

  it("refuses a numerical test on a column with text, naming the first text value", () => {
    expect(() => read("cur.csv", "a,b,c,d\n4,x,1,2\n5,y,2,4o\n", { tests: ["d=wasserstein"] })).toThrow(
      new InputError('cur.csv row 3, column "d": "4o" is not a number, and --test d=wasserstein needs numbers'),
    );
  });

  it("refuses text in a column that is numeric in the other file, naming file, row, column and value, unless --categorical names it", () => {
    expect(() => read("cur.csv", "a,b,c,d\n4,x,1,2\n5,y,2,n/a\n")).toThrow(
      new InputError(
        'cur.csv row 3, column "d": "n/a" is not a number, and every value of "d" in ref.csv is; name the column in --categorical if its values are categories',
      ),
    );
    expect(read("cur.csv", "a,b,c,d\n4,x,1,2\n5,y,2,n/a\n", { categorical: "d" })[3].kind).toBe("categorical");
  });

  it("refuses a column whose values are all blank in one file", () => {
    expect(() => read("cur.csv", "a,b,c,d\n4,,1,2\n5, ,2,3\n")).toThrow(new InputError('cur.csv, column "b": every value is blank'));
  });
});

describe("fairness input", () => {
  const header = ["sex", "y_true", "y_pred", "y_score"];

  it.each([
    [{}, { label: "y_true", prediction: "y_pred", score: null, threshold: 0.5 }],
    [
      { score: "y_score", threshold: "0.3" },
      { label: "y_true", prediction: null, score: "y_score", threshold: 0.3 },
    ],
    [
      { label: "y_pred", prediction: "y_true" },
      { label: "y_pred", prediction: "y_true", score: null, threshold: 0.5 },
    ],
  ])("resolves the columns of %j", (options, expected) => {
    expect(selectFairnessColumns(header, "f.csv", { group: "sex", ...options })).toEqual({ group: "sex", ...expected });
  });

  it("falls back to y_score without y_pred, and to no labels without y_true", () => {
    expect(selectFairnessColumns(["g", "y_score"], "f.csv", { group: "g" })).toEqual({
      group: "g",
      label: null,
      prediction: null,
      score: "y_score",
      threshold: 0.5,
    });
  });

  it.each([
    [header, { prediction: "y_pred", score: "y_score" }, "give --prediction or --score, not both"],
    [
      header,
      { threshold: "0.3" },
      '--threshold applies to scores, but the predictions come from column "y_pred": pass --score to threshold a score column',
    ],
    [header, { score: "y_score", threshold: "1.5" }, "--threshold 1.5: expected a number in [0, 1]"],
    [["sex", "y_true"], {}, "f.csv has neither a y_pred nor a y_score column: name one with --prediction or --score"],
  ])("refuses %j with %j", (names, options, message) => {
    expect(() => selectFairnessColumns(names, "f.csv", { group: "sex", ...options })).toThrow(new InputError(message));
  });

  const text = "sex,y_true,y_pred,y_score\nf,1,1,0.9\nm,0,1,0.5\nf,0,0,0.49\n";

  it("reads predictions from a 0/1 column or thresholds scores (≥ threshold predicts 1)", () => {
    for (const [options, predictions] of [
      [{}, [1, 1, 0]],
      [{ score: "y_score" }, [1, 1, 0]],
      [{ score: "y_score", threshold: "0.6" }, [1, 0, 0]],
    ] as const) {
      const columns = selectFairnessColumns(header, "f.csv", { group: "sex", ...options });
      const table = collectCsvText(text, { file: "f.csv", columns: fairnessColumnSpecs(columns) });
      expect(buildFairnessInput(table, columns, "f")).toEqual({ groups: ["f", "m", "f"], predictions, labels: [1, 0, 0], privileged: "f" });
    }
  });

  it.each([
    ["sex,y_true,y_pred\nf,1,2\n", {}, 'f.csv row 2, column "y_pred": predictions must be 0 or 1, found 2'],
    ["sex,y_true,y_pred\nf,yes,1\n", {}, 'f.csv row 2, column "y_true": "yes" is not a number'],
    ["sex,y_true,y_score\nf,1,-0.1\n", { score: "y_score" }, 'f.csv row 2, column "y_score": scores must lie in [0, 1], found -0.1'],
    ["sex,y_true,y_pred\n,1,1\n", {}, 'f.csv row 2, column "sex": the value is empty'],
  ])("refuses %j", (csv, options, message) => {
    const columns = selectFairnessColumns(header, "f.csv", { group: "sex", ...options });
    expect(() => collectCsvText(csv, { file: "f.csv", columns: fairnessColumnSpecs(columns) })).toThrow(new InputError(message));
  });

  it("refuses a privileged group that is not in the data", () => {
    const columns = selectFairnessColumns(header, "f.csv", { group: "sex" });
    const table = collectCsvText(text, { file: "f.csv", columns: fairnessColumnSpecs(columns) });
    expect(() => buildFairnessInput(table, columns, "x")).toThrow(
      new InputError('--privileged "x" is not a value of column "sex" ("f", "m")'),
    );
  });
});

describe("performance input", () => {
  const read = (text: string, options: { label?: string; score?: string; threshold?: string } = {}) => {
    const columns = selectPerformanceColumns(options);
    return buildPerformanceInput(collectCsvText(text, { file: "p.csv", columns: performanceColumnSpecs(columns) }), columns);
  };

  it("reads labels and scores (defaults y_true, y_score, threshold 0.5)", () => {
    expect(read("y_true,y_score\n1,0.8\n0,0.1\n")).toEqual({ labels: [1, 0], scores: [0.8, 0.1], threshold: 0.5 });
    expect(read("t,s\n1.0,1\n0,0\n", { label: "t", score: "s", threshold: "0.7" })).toEqual({
      labels: [1, 0],
      scores: [1, 0],
      threshold: 0.7,
    });
  });

  it.each([
    [
      "y_true,y_score\n1,0.8\n1,0.1\n",
      'p.csv, column "y_true": every label is 1; ROC AUC and average precision need both classes (0 and 1)',
    ],
    ["y_true,y_score\n1,0.8\n-1,0.1\n", 'p.csv row 3, column "y_true": labels must be 0 or 1, found -1'],
    ["y_true,y_score\n1,0.8\n0,1.01\n", 'p.csv row 3, column "y_score": scores must lie in [0, 1], found 1.01'],
    ["y_true,y_score\n1,0.8\n0,nan\n", 'p.csv row 3, column "y_score": the value is empty'],
    ["y_true,score\n1,0.8\n", 'p.csv has no column "y_score" (columns: "y_true", "score")'],
  ])("refuses %j", (text, message) => {
    expect(() => read(text)).toThrow(new InputError(message));
  });
});
