/**
 * Real public records (test/fixtures/realdata-athena.json, copied from ../runtime/realdata/) through
 * the join: a Panther StartQueryExecution with a real multi-line query, the Athena docs' records
 * (successful, failed, ***OMITTED***), and GetQueryExecution outputs in three timestamp encodings.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { DuckDbEngine } from "../../queries/duckdb/engine";
import { joinDayEmbedded } from "../../queries/join/embedded";
import { QueryExecutionLike } from "../../core/history-record";
import { Row } from "../../queries/engine";
import { cleanupAfterAll } from "../support/cleanup";
import { tempDir } from "../support/lake";
import { writeCloudTrail, writeHistory } from "../support/write-lake";

interface Fixture {
  cloudtrail: { file: string; record: Record<string, unknown> }[];
  getQueryExecution: { file: string; queryExecution: QueryExecutionLike }[];
}
const fixture = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "fixtures", "realdata-athena.json"), "utf8")) as Fixture;
const records = fixture.cloudtrail.map((c) => c.record);
const PANTHER_ID = "fc62d701-d474-46a4-b6cf-de6bafdbdb3c";
const DOCS_ID = "b621c254-74e0-48e3-9630-78ed857782f9";

let root: string;
let engine: DuckDbEngine;
const rows = new Map<string, Row>();

const cleanUp = cleanupAfterAll();
beforeAll(async () => {
  root = tempDir("realdata");
  cleanUp(() => fs.rmSync(root, { recursive: true, force: true }));
  const panther = records.find((r) => (r.responseElements as { queryExecutionId?: string } | null)?.queryExecutionId === PANTHER_ID)!;
  const pantherQuery = (panther.requestParameters as { queryString: string }).queryString;
  // CloudTrail as delivered: the Panther record (and a Glue record, noise) in us-west-2; the docs'
  // records, the same query logged twice (text and ***OMITTED***) plus a failed call, in us-east-1.
  writeCloudTrail(
    root,
    "123456789012",
    "us-west-2",
    "2021-10-19T05:00:00Z",
    records.filter((r) => r.awsRegion === "us-west-2" || r.eventSource === "glue.amazonaws.com"),
  );
  writeCloudTrail(
    root,
    "123456789012",
    "us-east-1",
    "2017-05-04T00:30:00Z",
    records.filter((r) => r.awsRegion === "us-east-1" && r.eventSource === "athena.amazonaws.com"),
  );
  // History for the two started queries, in two of the real timestamp encodings.
  writeHistory(root, "us-west-2", [
    {
      QueryExecutionId: PANTHER_ID,
      Query: pantherQuery,
      StatementType: "DML",
      WorkGroup: "Panther",
      QueryExecutionContext: { Database: "1111" },
      Status: {
        State: "SUCCEEDED",
        SubmissionDateTime: "2021-10-19 04:50:27.812000+00:00",
        CompletionDateTime: "2021-10-19 04:50:31.100000+00:00",
      },
      Statistics: { DataScannedInBytes: 1234567890, EngineExecutionTimeInMillis: 3100, TotalExecutionTimeInMillis: 3288 },
    },
  ]);
  writeHistory(root, "us-east-1", [
    {
      QueryExecutionId: DOCS_ID,
      Query: "Select 10",
      StatementType: "DML",
      WorkGroup: "primary",
      Status: { State: "SUCCEEDED", SubmissionDateTime: 1493857435.318, CompletionDateTime: 1493857436.9 },
      Statistics: { DataScannedInBytes: 0 },
    },
  ]);
  // Real GetQueryExecution outputs: ISO with +10:00, Python str(datetime), epoch float. No CloudTrail.
  writeHistory(
    root,
    "ap-southeast-2",
    fixture.getQueryExecution.map((g) => g.queryExecution),
  );
  engine = await DuckDbEngine.open({ root });
  cleanUp(() => engine.close());
  for (const [day, region] of [
    ["2021-10-19", "us-west-2"],
    ["2017-05-04", "us-east-1"],
    ["2022-08-10", "ap-southeast-2"],
    ["2020-08-14", "ap-southeast-2"],
    ["2021-07-09", "ap-southeast-2"],
  ] as const) {
    await joinDayEmbedded(engine, day, region);
  }
  await engine.refresh();
  for (const row of (await engine.run("SELECT * FROM events")).rows) rows.set(String(row.query_execution_id), row);
});

describe("real records through the join", () => {
  it("attributes the Panther StartQueryExecution (assumed role, Go SDK, space-separated eventTime)", () => {
    expect(rows.get(PANTHER_ID)).toMatchObject({
      principal_arn: "arn:aws:sts::123456789012:assumed-role/example-role/example-user",
      iam_principal_arn: "arn:aws:iam::123456789012:role/example-role",
      principal_type: "AssumedRole",
      user_name: "example-user",
      client_family: "sdk",
      source_ip: "111.111.111.111",
      work_group: "Panther",
      event_time: "2021-10-19T04:50:27.000Z",
      submitted_at: "2021-10-19T04:50:27.812Z",
      data_scanned_bytes: 1234567890,
      dt: "2021-10-19",
      region: "us-west-2",
    });
    // 1,234,567,890 bytes = 1,177.38 MB, billed as 1,178 MB at $5 per 2^20 MB.
    expect(rows.get(PANTHER_ID)?.cost_usd).toBeCloseTo((1178 * 5) / 1048576, 15);
    expect(String(rows.get(PANTHER_ID)?.query_text)).toContain("WITH PastCount as");
  });

  it("keeps one row for the Athena docs' query logged twice, and none for the failed call", () => {
    const docs = [...rows.values()].filter((r) => r.region === "us-east-1");
    expect(docs).toHaveLength(1);
    expect(docs[0]).toMatchObject({
      query_execution_id: DOCS_ID,
      principal_arn: "arn:aws:iam::123456789012:user/johndoe",
      principal_type: "IAMUser",
      user_name: "johndoe",
      client_family: "console",
      query_text: "Select 10",
      cost_usd: 0,
      submitted_at: "2017-05-04T00:23:55.318Z",
    });
  });

  it("files GetQueryExecution outputs under the UTC day of submission, whatever the encoding, and keeps them unattributed", () => {
    expect(
      fixture.getQueryExecution.map((g) => {
        const row = rows.get(String(g.queryExecution.QueryExecutionId));
        return [row?.dt, row?.submitted_at, row?.principal_arn, row?.attributed];
      }),
    ).toEqual([
      ["2022-08-10", "2022-08-10T15:16:29.701Z", null, false], // 2022-08-11T01:16:29.701000+10:00
      ["2020-08-14", "2020-08-14T15:25:51.061Z", null, false], // 2020-08-14 15:25:51.061000+00:00
      ["2021-07-09", "2021-07-09T00:41:57.390Z", null, false], // 1625791317.39
    ]);
  });

  it("bills nothing for the DDL among them (MSCK REPAIR TABLE)", () => {
    expect(rows.get("46140486-fa0a-4017-bd87-2f6b1eec0b30")).toMatchObject({ statement_type: "DDL", cost_usd: 0 });
  });
});
