/** Pure pieces, checked against hand-worked values. */
import { describe, expect, it } from "vitest";
import { queryCostUsd } from "../../queries/cost";
import { addDays, daysBetween } from "../../queries/days";
import { toIsoTimestamp } from "../../queries/history-record";
import { eventsJoinParameters } from "../../queries/join/parameters";
import { cloudTrailObjectKey, historyObjectKey, parseCloudTrailKey, eventsPartitionPrefix, cloudTrailFolder } from "../../queries/layout";
import { glueType, duckType, struct, string, bigint, array } from "../../queries/schema/types";
import { toAthenaLiteral, toValue } from "../../queries/athena/convert";

describe("Athena pricing", () => {
  it.each([
    [0, "DML", 0],
    [1, "DML", (10 * 5) / 1048576], // 10 MB minimum
    [10 * 1048576, "DML", (10 * 5) / 1048576],
    [10 * 1048576 + 1, "DML", (11 * 5) / 1048576], // rounded up to the next MB
    [2 ** 40, "DML", 5], // one TB is $5
    [5 * 2 ** 40, "DDL", 0], // DDL is free
  ])("%d bytes of %s cost $%d", (bytes, type, usd) => {
    expect(queryCostUsd(bytes, type)).toBe(usd);
  });
});

describe("timestamps in every real encoding", () => {
  it.each([
    [new Date("2024-03-01T10:00:00.5Z"), "2024-03-01T10:00:00.500Z"],
    ["2022-08-11T01:16:29.701000+10:00", "2022-08-10T15:16:29.701Z"],
    ["2020-08-14 15:25:51.061000+00:00", "2020-08-14T15:25:51.061Z"],
    ["2021-10-19 04:50:27", "2021-10-19T04:50:27.000Z"],
    ["2017-05-04T00:23:55Z", "2017-05-04T00:23:55.000Z"],
    [1625791317.39, "2021-07-09T00:41:57.390Z"],
    ["1565649050.175", "2019-08-12T22:30:50.175Z"],
    ["2024-01-01T00:30:00-0530", "2024-01-01T06:00:00.000Z"],
  ])("%j -> %s", (input, iso) => {
    expect(toIsoTimestamp(input)).toBe(iso);
  });
});

describe("days and the join's parameters", () => {
  it("crosses month and leap-year ends", () => {
    expect(addDays("2024-02-28", 1)).toBe("2024-02-29");
    expect(addDays("2024-03-01", -1)).toBe("2024-02-29");
    expect(daysBetween("2023-12-30", "2024-01-02")).toEqual(["2023-12-30", "2023-12-31", "2024-01-01", "2024-01-02"]);
  });

  it("reads CloudTrail folders D-1..D+1 and history D-1..D+1 for day D", () => {
    expect(eventsJoinParameters("2024-03-01", "eu-west-1")).toEqual({
      region: "eu-west-1",
      day: "2024-03-01",
      day_before: "2024-02-29",
      day_after: "2024-03-02",
      trail_day_before: "2024/02/29",
      trail_day: "2024/03/01",
      trail_day_after: "2024/03/02",
      event_time_from: "2024-02-29 23:00:00",
      event_time_to: "2024-03-02 01:00:00",
      day_start: "2024-03-01 00:00:00",
      day_end: "2024-03-02 00:00:00",
    });
  });
});

describe("the on-disk layout", () => {
  it("places history, events and CloudTrail where the contract says", () => {
    expect(historyObjectKey({ region: "us-east-1", dt: "2024-03-01", workGroup: "primary" })).toBe(
      "athena-audit/history/region=us-east-1/dt=2024-03-01/workgroup=primary/history.json.gz",
    );
    expect(eventsPartitionPrefix("2024-03-01", "us-east-1", "audit")).toBe("audit/events/dt=2024-03-01/region=us-east-1/");
    const key = cloudTrailObjectKey({ account: "111122223333", region: "us-east-1" }, new Date("2024-03-02T00:07:31Z"), "AbCdEf0123456789");
    expect(key).toBe(
      "AWSLogs/111122223333/CloudTrail/us-east-1/2024/03/02/111122223333_CloudTrail_us-east-1_20240302T0007Z_AbCdEf0123456789.json.gz",
    );
    expect(parseCloudTrailKey(key)).toEqual({ account: "111122223333", region: "us-east-1", day: "2024-03-02" });
    expect(
      cloudTrailFolder({ account: "111122223333", region: "eu-west-1", day: "2024-03-02", organizationId: "o-abc123" }, "trail/"),
    ).toBe("trail/AWSLogs/o-abc123/111122223333/CloudTrail/eu-west-1/2024/03/02/");
  });
});

describe("column types rendered for each engine", () => {
  const t = struct({ State: string, Stats: struct({ Bytes: bigint }), Tags: array(string) });
  it("Glue: lower-case Hive type strings", () => {
    expect(glueType(t)).toBe("struct<state:string,stats:struct<bytes:bigint>,tags:array<string>>");
  });
  it("DuckDB: the document's key spelling", () => {
    expect(duckType(t)).toBe('STRUCT("State" VARCHAR, "Stats" STRUCT("Bytes" BIGINT), "Tags" VARCHAR[])');
  });
});

describe("Athena result conversion", () => {
  it("types text cells by column type", () => {
    expect([
      toValue("42", "bigint"),
      toValue("0.5", "double"),
      toValue("true", "boolean"),
      toValue("2024-01-02 03:04:05.6", "timestamp"),
      toValue(undefined, "varchar"),
    ]).toEqual([42, 0.5, true, "2024-01-02T03:04:05.600Z", null]);
  });
  it("makes parameters SQL literals", () => {
    expect([toAthenaLiteral("it's"), toAthenaLiteral(20)]).toEqual(["'it''s'", "20"]);
  });
});
