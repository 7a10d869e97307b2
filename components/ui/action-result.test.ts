import { describe, expect, it } from "vitest";
import { failureText, fieldErrorOf, toActionState } from "./action-result";

describe("fieldErrorOf", () => {
  const cases: Array<
    [name: string, errors: Record<string, string[] | undefined> | undefined, names: string[], expected: string | undefined]
  > = [
    ["no errors", undefined, ["name"], undefined],
    ["first error of the field", { name: ["too short", "bad characters"] }, ["name"], "too short"],
    ["falls back to the nested key", { "rule.name": ["required"] }, ["name", "rule.name"], "required"],
    ["an empty list is no error", { name: [], "rule.name": ["required"] }, ["name", "rule.name"], "required"],
    ["another field's error is not this field's", { threshold: ["not a number"] }, ["name"], undefined],
  ];
  it.each(cases)("%s", (_, errors, names, expected) => expect(fieldErrorOf(errors, ...names)).toBe(expected));
});

describe("failureText", () => {
  it("is the message when there are no field errors", () => {
    expect(failureText({ message: "Not allowed: this needs the Admin role." })).toBe("Not allowed: this needs the Admin role.");
  });
  it("names every field error no input shows", () => {
    expect(
      failureText({ message: "Some fields are not valid.", fieldErrors: { policy: ["too big"], tier: ["unknown", "required"] } }),
    ).toBe("policy: too big; tier: unknown, required");
  });
  it("is the message when every field error is shown beside its input", () => {
    expect(failureText({ message: "Some fields are not valid.", fieldErrors: { threshold: ["not a number"] } }, ["threshold"])).toBe(
      "Some fields are not valid.",
    );
  });
  it("names only the fields not shown, and skips empty lists", () => {
    expect(
      failureText(
        { message: "Some fields are not valid.", fieldErrors: { name: ["required"], rule: ["bad metric"], feature: undefined } },
        ["name"],
      ),
    ).toBe("rule: bad metric");
  });
});

describe("toActionState", () => {
  it("keeps the data of a success and its message, fixed or computed", () => {
    expect(toActionState({ ok: true, data: { id: "a" } }, { successMessage: "Saved." })).toEqual({
      ok: true,
      data: { id: "a" },
      message: "Saved.",
    });
    expect(
      toActionState({ ok: true, data: { id: null } }, { successMessage: (data) => (data.id ? null : "The queue is empty.") }).message,
    ).toBe("The queue is empty.");
    expect(toActionState({ ok: true, data: 1 }, {}).message).toBeNull();
  });
  it("keeps the status and field errors of a refusal", () => {
    expect(
      toActionState(
        { ok: false, status: 422, message: "Some fields are not valid.", fieldErrors: { name: ["required"] } },
        { shownFields: ["name"] },
      ),
    ).toEqual({ ok: false, status: 422, message: "Some fields are not valid.", fieldErrors: { name: ["required"] } });
    expect(toActionState({ ok: false, status: 409, message: "Stale." }, {})).toEqual({
      ok: false,
      status: 409,
      message: "Stale.",
      fieldErrors: {},
    });
  });
});
