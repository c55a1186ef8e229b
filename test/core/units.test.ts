/** Pure pieces, checked against hand-worked values. */
import { describe, expect, it } from "vitest";
import {
  BillableQuery,
  billingParameters,
  billingRulesText,
  DEFAULT_TB,
  notBilledBecause,
  parseTbDefinition,
  queryCostUsd,
  TbDefinition,
} from "../../core/cost";
import { InputError } from "../../core/errors";
import { addDays, daysBetween } from "../../core/days";
import { toIsoTimestamp } from "../../core/history-record";
import { eventsJoinParameters } from "../../queries/join/parameters";
import {
  cloudTrailFolder,
  cloudTrailObjectKey,
  eventsPartitionPrefix,
  historyObjectKey,
  grantsObjectKey,
  migratedGrantsKey,
  migratedHistoryKey,
  parseCloudTrailKey,
} from "../../core/layout";
import { glueType, duckType, struct, string, bigint, array } from "../../queries/schema/types";
import { toAthenaLiteral, toValue } from "../../queries/athena/convert";

const MIB = 2 ** 20;
const TIB = 2 ** 40;

describe("Athena's billing rules, worked by hand", () => {
  const dml = (bytesScanned: number | null, state = "SUCCEEDED") => ({ bytesScanned, statementType: "DML", state });

  it.each<[string, BillableQuery, TbDefinition, number]>([
    // $5 per TB: a TB of either kind costs exactly $5 under its own definition.
    ["a binary TB (2^40 bytes) is $5", dml(TIB), "binary", 5],
    ["a decimal TB (10^12 bytes) is $5", dml(1e12), "decimal", 5],
    // 10^12 bytes = 953,674.316 MiB, billed as 953,675 MiB at $5 per 2^20 MiB.
    ["10^12 bytes under the binary definition", dml(1e12), "binary", 4768375 / 1048576],
    // 2^40 bytes = 1,099,511.63 MB, billed as 1,099,512 MB at $5 per 10^6 MB.
    ["2^40 bytes under the decimal definition", dml(TIB), "decimal", 5.49756],
    // Rounded up to the MB: 10 MB and one byte is billed as 11 MB.
    ["10 MiB + 1 byte is 11 MiB", dml(10 * MIB + 1), "binary", 55 / 1048576],
    ["10 MB + 1 byte is 11 MB", dml(1e7 + 1), "decimal", 0.000055],
    // 10 MB minimum per query.
    ["1 byte is billed as 10 MiB", dml(1), "binary", 50 / 1048576],
    ["1 byte is billed as 10 MB", dml(1), "decimal", 0.00005],
    ["exactly 10 MiB is 10 MiB", dml(10 * MIB), "binary", 50 / 1048576],
    // 10,000,001 bytes: 9.54 MiB (the minimum, 10) but 10.000001 MB (rounded up, 11).
    ["10,000,001 bytes: the binary minimum", dml(1e7 + 1), "binary", 50 / 1048576],
    // Failed queries are free, whatever they scanned.
    ["a failed query that scanned a TB", dml(TIB, "FAILED"), "binary", 0],
    ["a failed query that scanned a decimal TB", dml(1e12, "FAILED"), "decimal", 0],
    // Cancelled queries pay for what they scanned until cancelled, rounded and with the minimum.
    ["a cancelled query that scanned 10 MiB + 1", dml(10 * MIB + 1, "CANCELLED"), "binary", 55 / 1048576],
    ["a cancelled query that scanned 1 byte", dml(1, "CANCELLED"), "decimal", 0.00005],
    ["a cancelled query that scanned nothing", dml(0, "CANCELLED"), "binary", 0],
    // DDL is free, partition management included: Athena reports MSCK REPAIR TABLE and
    // ALTER TABLE ADD PARTITION as StatementType DDL.
    ["DDL that scanned 5 TB", { bytesScanned: 5 * TIB, statementType: "DDL", state: "SUCCEEDED" }, "binary", 0],
    ["MSCK REPAIR TABLE (DDL) that scanned 3 GB", { bytesScanned: 3e9, statementType: "DDL", state: "SUCCEEDED" }, "decimal", 0],
    ["a cancelled DDL statement", { bytesScanned: 1e6, statementType: "DDL", state: "CANCELLED" }, "binary", 0],
    // Nothing scanned, nothing billed (EXPLAIN, result reuse); no statistics at all, likewise.
    ["a query that scanned nothing", dml(0), "binary", 0],
    ["a query with no statistics", dml(null), "decimal", 0],
    // Anything else is billed for what it scanned: EXPLAIN ANALYZE (UTILITY) runs the query.
    // 1 GiB = 1,024 MiB exactly; 1,073.74 MB -> 1,074 MB.
    [
      "EXPLAIN ANALYZE (UTILITY) that scanned 1 GiB",
      { bytesScanned: 2 ** 30, statementType: "UTILITY", state: "SUCCEEDED" },
      "binary",
      0.0048828125,
    ],
    [
      "EXPLAIN ANALYZE (UTILITY) that scanned 1 GiB",
      { bytesScanned: 2 ** 30, statementType: "UTILITY", state: "SUCCEEDED" },
      "decimal",
      0.00537,
    ],
  ])("%s (%j, %s) costs $%d", (_label, query, tb, usd) => {
    expect(queryCostUsd(query, tb)).toBe(usd);
  });

  it("names the rule that makes a query free, failure first", () => {
    expect([
      notBilledBecause({ bytesScanned: TIB, statementType: "DDL", state: "FAILED" }),
      notBilledBecause({ bytesScanned: TIB, statementType: "DDL", state: "SUCCEEDED" }),
      notBilledBecause({ bytesScanned: 0, statementType: "DML", state: "CANCELLED" }),
      notBilledBecause({ bytesScanned: 1, statementType: "DML", state: "CANCELLED" }),
      notBilledBecause({ bytesScanned: 1, statementType: "UTILITY", state: "SUCCEEDED" }),
    ]).toEqual(["failed", "ddl", "nothing scanned", undefined, undefined]);
  });

  it("defaults to the binary TB, takes either definition by name, and refuses anything else naming the setting", () => {
    expect([DEFAULT_TB, parseTbDefinition(undefined), parseTbDefinition(" Decimal "), parseTbDefinition("binary")]).toEqual([
      "binary",
      "binary",
      "decimal",
      "binary",
    ]);
    expect(queryCostUsd(dml(TIB))).toBe(5);
    expect(() => parseTbDefinition("TiB", "--tb")).toThrow('--tb must be binary or decimal, got "TiB"');
    expect(() => parseTbDefinition("1e12")).toThrow(InputError);
  });

  it("gives the join the unit, the price and the minimum as parameters", () => {
    expect(billingParameters("binary")).toEqual({
      billing_mb_bytes: MIB,
      billing_tb_bytes: TIB,
      billing_minimum_mb: 10,
      billing_usd_per_tb: 5,
    });
    expect(billingParameters("decimal")).toEqual({
      billing_mb_bytes: 1e6,
      billing_tb_bytes: 1e12,
      billing_minimum_mb: 10,
      billing_usd_per_tb: 5,
    });
  });

  it("states the rules and the TB definition in words", () => {
    expect(billingRulesText("binary")).toBe(
      "Costs follow Athena's billing rules: $5 per TB scanned (binary units: 1 TB = 2^40 bytes, 1 MB = 2^20 bytes), each query " +
        "rounded up to the MB with a 10 MB minimum; cancelled queries are billed for what they scanned; failed queries, DDL " +
        "(partition management included) and queries that scanned nothing are free.",
    );
    expect(billingRulesText("decimal")).toContain("(decimal units: 1 TB = 10^12 bytes, 1 MB = 10^6 bytes)");
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
      // The price in binary units unless told otherwise.
      billing_mb_bytes: 2 ** 20,
      billing_tb_bytes: 2 ** 40,
      billing_minimum_mb: 10,
      billing_usd_per_tb: 5,
    });
    expect(eventsJoinParameters("2024-03-01", "eu-west-1", "decimal")).toMatchObject({ billing_mb_bytes: 1e6, billing_tb_bytes: 1e12 });
  });
});

describe("the on-disk layout", () => {
  it("places history, events and CloudTrail where the contract says", () => {
    expect(historyObjectKey({ account: "111122223333", region: "us-east-1", dt: "2024-03-01", workGroup: "primary" })).toBe(
      "athena-audit/history/account=111122223333/region=us-east-1/dt=2024-03-01/workgroup=primary/history.json.gz",
    );
    // The layout before accounts moves under one (athena-audit migrate-accounts); nothing else does.
    expect(
      migratedHistoryKey("athena-audit/history/region=us-east-1/dt=2024-03-01/workgroup=primary/history.json.gz", "111122223333"),
    ).toBe("athena-audit/history/account=111122223333/region=us-east-1/dt=2024-03-01/workgroup=primary/history.json.gz");
    for (const other of [
      "athena-audit/history/account=111122223333/region=us-east-1/dt=2024-03-01/workgroup=primary/history.json.gz",
      "athena-audit/history/region=us-east-1/dt=2024-03-01/stray.json.gz",
      "athena-audit/events/dt=2024-03-01/region=us-east-1/part-00000.parquet",
    ])
      expect(migratedHistoryKey(other, "111122223333"), other).toBeUndefined();
    // Grants too: each account's snapshot in its own folder; the old layout moves under one account.
    expect(grantsObjectKey("111122223333", "2024-03-01")).toBe("athena-audit/grants/account=111122223333/dt=2024-03-01/grants.json.gz");
    expect(migratedGrantsKey("athena-audit/grants/dt=2024-03-01/grants.json.gz", "111122223333")).toBe(
      "athena-audit/grants/account=111122223333/dt=2024-03-01/grants.json.gz",
    );
    for (const other of [
      "athena-audit/grants/account=111122223333/dt=2024-03-01/grants.json.gz",
      "athena-audit/history/region=us-east-1/dt=2024-03-01/workgroup=primary/history.json.gz",
    ])
      expect(migratedGrantsKey(other, "111122223333"), other).toBeUndefined();
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
