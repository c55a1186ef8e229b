/** The check for values the code guarantees: the value through, or a throw naming what was missing. */
import { describe, expect, it } from "vitest";
import { defined } from "../../core/checks";

describe("defined", () => {
  it("passes every defined value through, falsy ones too", () => {
    expect([defined(0, "n"), defined("", "s"), defined(null, "x"), defined(false, "b")]).toEqual([0, "", null, false]);
  });
  it("throws naming what was missing", () => {
    expect(() => defined([1, 2][2], "the third item")).toThrow("the third item is missing: a defect in athena-audit, not in its input");
  });
});
