/** The join's decisions about the history table's work-group projection (core/work-groups.ts), and the history key parser. */
import { describe, expect, it } from "vitest";
import { historyObjectKey, parseHistoryPartition } from "../../core/layout";
import { historyDaysRead, projectionChange, unjoinedWorkGroups, WORK_GROUP_VALUES, workGroupProjection } from "../../core/work-groups";

const ENUM = { "projection.enabled": "true", "projection.workgroup.type": "enum", [WORK_GROUP_VALUES]: "primary,analysts" };

describe("work-group projection", () => {
  it("reads the history days D-1..D+1 of every day joined, once each", () => {
    expect(historyDaysRead(["2026-03-01"])).toEqual(["2026-02-28", "2026-03-01", "2026-03-02"]);
    expect(historyDaysRead(["2026-11-19", "2026-11-18"])).toEqual(["2026-11-17", "2026-11-18", "2026-11-19", "2026-11-20"]);
  });

  it("parses history keys and the folders a delimited listing returns, and nothing else", () => {
    const p = { account: "123456789012", region: "eu-west-1", dt: "2026-11-19", workGroup: "data.science-2" };
    expect(parseHistoryPartition(historyObjectKey(p))).toEqual(p);
    expect(
      parseHistoryPartition("athena-audit/history/account=123456789012/region=eu-west-1/dt=2026-11-19/workgroup=data.science-2/"),
    ).toEqual(p);
    expect(parseHistoryPartition("audit/history/account=a/region=r/dt=2026-11-19/workgroup=w/x", "audit")).toEqual({
      account: "a",
      region: "r",
      dt: "2026-11-19",
      workGroup: "w",
    });
    for (const other of [
      // The layout before accounts: athena-audit migrate-accounts moves it (migratedHistoryKey).
      "athena-audit/history/region=r/dt=2026-11-19/workgroup=w/",
      "athena-audit/history/account=a/region=r/dt=2026-11-19/",
      "athena-audit/history/region=r/dt=yesterday/workgroup=w/",
      "athena-audit/events/region=r/dt=2026-11-19/workgroup=w/",
      "other/athena-audit/history/region=r/dt=2026-11-19/workgroup=w/",
    ])
      expect(parseHistoryPartition(other), other).toBeUndefined();
  });

  it("reads an enum as Athena does: split at commas, white space part of the value", () => {
    expect(workGroupProjection(ENUM)).toEqual({ kind: "enum", values: ["primary", "analysts"] });
    expect(workGroupProjection({ ...ENUM, "projection.enabled": " TRUE ", [WORK_GROUP_VALUES]: "primary, bi" })).toEqual({
      kind: "enum",
      values: ["primary", " bi"],
    });
    expect(workGroupProjection({ ...ENUM, [WORK_GROUP_VALUES]: "" })).toEqual({ kind: "enum", values: [] });
  });

  it.each([
    [{ ...ENUM, "projection.enabled": "false" }, "the history table does not use partition projection"],
    [{ ...ENUM, "projection.workgroup.type": "injected" }, 'projection.workgroup.type is "injected", not enum'],
    [{ "projection.enabled": "true" }, "projection.workgroup.type is null, not enum"],
  ])("says why it cannot keep %j", (parameters, reason) => {
    expect(workGroupProjection(parameters)).toEqual({ kind: "other", reason });
    expect(() => projectionChange(parameters, ["bi"])).toThrow(reason);
  });

  it("appends the missing work groups, sorted, keeping the list's order and every other parameter", () => {
    const change = projectionChange({ ...ENUM, other: "kept" }, ["etl", "primary", "bi", "etl"]);
    expect(change).toEqual({
      add: ["bi", "etl"],
      unprojectable: [],
      parameters: { ...ENUM, other: "kept", [WORK_GROUP_VALUES]: "primary,analysts,bi,etl" },
    });
    expect(projectionChange(change.parameters!, ["etl", "analysts"])).toEqual({ add: [], unprojectable: [] });
  });

  it("never puts a name that is no work group name in the list (a comma would split it)", () => {
    expect(projectionChange(ENUM, ["a,b", "with space", "x".repeat(129), "ok"])).toEqual({
      add: ["ok"],
      unprojectable: ["a,b", "with space", "x".repeat(129)].sort(),
      parameters: { ...ENUM, [WORK_GROUP_VALUES]: "primary,analysts,ok" },
    });
  });

  it("names, per joined day and region, the work groups with history there that were not projected", () => {
    const history = [
      { account: "a", region: "us-east-1", dt: "2026-11-18", workGroup: "etl" },
      { account: "a", region: "us-east-1", dt: "2026-11-19", workGroup: "etl" },
      { account: "a", region: "us-east-1", dt: "2026-11-19", workGroup: "primary" },
      { account: "b", region: "us-east-1", dt: "2026-11-19", workGroup: "a,b" },
      { account: "a", region: "eu-west-1", dt: "2026-11-19", workGroup: "primary" },
    ];
    const joined = [
      { day: "2026-11-19", region: "us-east-1" },
      { day: "2026-11-19", region: "eu-west-1" },
    ];
    expect(unjoinedWorkGroups(history, ["primary"], joined)).toEqual([
      { day: "2026-11-19", region: "us-east-1", workGroups: ["a,b", "etl"] },
    ]);
    expect(unjoinedWorkGroups(history, ["primary", "etl", "a,b"], joined)).toEqual([]);
    // The embedded engine reads every folder: nothing is left out.
    expect(unjoinedWorkGroups(history, undefined, joined)).toEqual([]);
  });
});
