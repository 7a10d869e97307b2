import { describe, expect, it } from "vitest";
import { abtestColumnSpecs, computeAbtest, formatAbtestReport } from "./abtest";
import { collectCsvText } from "./csv-columns";

const columns = { arm: "arm", value: "value" };
const run = (text: string, control?: string) => {
  const options = { ...columns, control };
  return computeAbtest(collectCsvText(text, { file: "ab.csv", columns: abtestColumnSpecs(options) }), options);
};

describe("computeAbtest", () => {
  it("takes the first row's arm as the control unless --control names one", () => {
    const text = "arm,value\nB,3\nA,1\nA,2\nB,5\n";
    expect(run(text).arms.map((arm) => arm.arm)).toEqual(["B", "A"]);
    expect(run(text).difference).toBe(-2.5);
    expect(run(text, "A").difference).toBe(2.5);
  });

  it("chooses the two-proportion z-test only when every value is 0 or 1", () => {
    expect(run("arm,value\nA,0\nA,1\nB,1\nB,1\n").test).toBe("two-proportion-z");
    expect(run("arm,value\nA,0\nA,1\nB,1\nB,2\n").test).toBe("welch");
  });

  it("gives no fixed-horizon p-value, with the reason, when both arms are constant", () => {
    const report = run("arm,value\nA,2\nA,2\nB,2\nB,2\n");
    expect(report).toMatchObject({ pValue: null, alwaysValidPValue: 1 });
    expect(report.reason).toMatch(/same/);
    expect(formatAbtestReport(report)).toContain("p-value (Welch's t-test, fixed horizon): - (every value in both arms is the same");
  });

  it.each([
    ["arm,value\n,1\nB,2\n", /ab\.csv row 2, column "arm": the value is empty/],
    ["arm,value\nA,1\nB,\n", /ab\.csv row 3, column "value": the value is empty/],
    ["arm,value\nA,1\nB,inf\n", /ab\.csv row 3, column "value": values must be finite numbers, found inf/],
    ["arm,value\nA,1\nA,2\nB,2\n", /arm "B" has 1 value/],
  ])("refuses %j", (text, message) => {
    expect(() => run(text)).toThrow(message);
  });
});
