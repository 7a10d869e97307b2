import { describe, expect, it } from "vitest";
import { checkLabelOutput, positiveIndexOf, resolveClassLabels } from "./classes";

describe("positiveIndexOf", () => {
  it.each([
    [{ positiveLabel: "default" }, 1],
    [{ positiveLabel: "1", classLabels: ["0", "1"] as [string, string] }, 1],
    // scikit-learn's breast cancer data: class 0 is malignant, so a model whose positive class is malignant reads column 0.
    [{ positiveLabel: "0", classLabels: ["0", "1"] as [string, string] }, 0],
    [{ positiveLabel: "malignant", classLabels: ["malignant", "benign"] as [string, string] }, 0],
  ])("%j → column %i", (schema, index) => expect(positiveIndexOf(schema)).toBe(index));
});

describe("resolveClassLabels", () => {
  it("takes the model's classes over nothing declared", () => {
    expect(resolveClassLabels({ declared: { positiveLabel: "1", negativeLabel: "0" }, fromModel: ["0", "1"] })).toEqual({
      ok: true,
      classLabels: ["0", "1"],
    });
  });

  it("keeps declared classes when the model names none, and none when neither does", () => {
    const declared = { positiveLabel: "malignant", negativeLabel: "benign", classLabels: ["malignant", "benign"] as [string, string] };
    expect(resolveClassLabels({ declared, fromModel: null })).toEqual({ ok: true, classLabels: ["malignant", "benign"] });
    expect(resolveClassLabels({ declared: { positiveLabel: "default", negativeLabel: "repay" }, fromModel: null })).toEqual({
      ok: true,
      classLabels: undefined,
    });
  });

  it.each([
    [
      "declared classes the model contradicts",
      { positiveLabel: "1", negativeLabel: "0", classLabels: ["1", "0"] as [string, string] },
      ["0", "1"],
      "outputSchema.classLabels",
      "the model names its classes in column order '0', '1', not '1', '0' as declared",
    ],
    [
      "a positive label that is not a class (the issue's silent inversion)",
      { positiveLabel: "malignant", negativeLabel: "benign" },
      ["0", "1"],
      "outputSchema.positiveLabel",
      "positiveLabel 'malignant' is not one of the model's classes ('0', '1', in column order): name the positive class by its label",
    ],
    [
      "a negative label that is not the other class",
      { positiveLabel: "1", negativeLabel: "no" },
      ["0", "1"],
      "outputSchema.negativeLabel",
      "negativeLabel must be the other class, '0', of the model's classes ('0', '1')",
    ],
    [
      "three classes",
      { positiveLabel: "1", negativeLabel: "0" },
      ["0", "1", "2"],
      "outputSchema.classLabels",
      "the model names 3 classes ('0', '1', '2'); Oversight serves binary classifiers only",
    ],
  ])("refuses %s, naming the field", (_name, declared, fromModel, field, message) => {
    expect(resolveClassLabels({ declared, fromModel })).toEqual({ ok: false, field, message });
  });
});

describe("checkLabelOutput", () => {
  // P(positive) per row with the positive class in column 1; labels as an ArgMax over the columns gives them.
  const positive = [0.9, 0.2, 0.7, 0.1];
  const argmaxLabels = [1, 0, 1, 0];

  it("accepts labels that are the class of the highest probability, ties skipped", () => {
    expect(
      checkLabelOutput({
        positiveProbabilities: [...positive, 0.5],
        positiveIndex: 1,
        labels: [...argmaxLabels, 0],
        classLabels: ["0", "1"],
      }),
    ).toEqual({ ok: true, checkedRows: 4, disagreeingRows: [] });
  });

  it("accepts column 0 as the positive class when the classes say so", () => {
    // Column 0 = class '0' is positive: P(positive) = P(column 0) = 1 − the above.
    const column0 = positive.map((p) => 1 - p);
    expect(checkLabelOutput({ positiveProbabilities: column0, positiveIndex: 0, labels: argmaxLabels, classLabels: ["0", "1"] }).ok).toBe(
      true,
    );
  });

  it("refuses a class order that every row contradicts, naming the rows", () => {
    const result = checkLabelOutput({ positiveProbabilities: positive, positiveIndex: 1, labels: argmaxLabels, classLabels: ["1", "0"] });
    expect(result).toEqual({
      ok: false,
      contradictingRows: [1, 2, 3, 4],
      message:
        "the model's label output contradicts the class order '1', '0' on every row (rows 1, 2, 3, 4): its label is never the class of the highest probability, so the columns would be read the wrong way round. Declare classLabels in the model's column order",
    });
  });

  it("reports, without refusing, a runtime that labels some rows by another rule", () => {
    // onnxruntime's two-class TreeEnsembleClassifier labels class 1 whenever P(class 1) > 0.
    expect(checkLabelOutput({ positiveProbabilities: positive, positiveIndex: 1, labels: [1, 1, 1, 1], classLabels: ["0", "1"] })).toEqual({
      ok: true,
      checkedRows: 4,
      disagreeingRows: [2, 4],
    });
  });

  it("does not judge labels in other terms than the classes", () => {
    expect(
      checkLabelOutput({ positiveProbabilities: positive, positiveIndex: 1, labels: ["a", "b", "a", "b"], classLabels: undefined }),
    ).toEqual({ ok: true, checkedRows: 0, disagreeingRows: [] });
  });
});
