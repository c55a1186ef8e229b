/**
 * A real recorded exfiltration (test/fixtures/realdata-ec2-proxy-s3-exfiltration.json, from
 * OTRF/Security-Datasets): an EC2 instance role's credentials, taken through a proxy on the instance,
 * used from a laptop's CLI at 1.2.3.4 to list a bucket and read an object out of it. Through the real
 * embedded join and the anomalies query: the role's GetObject reads are joined as a CLI's direct
 * reads (no grants snapshot, so kept by bucket and prefix) and found as the first direct reads of a
 * principal the lake has never seen. Expected values are counted from the fixture's records here.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_ANOMALY_SETTINGS } from "../../core/anomaly-settings";
import { DuckDbEngine } from "../../queries/duckdb/engine";
import { joinDayEmbedded } from "../../queries/join/embedded";
import { DEFAULT_OPTIONS, runSavedQuery, SAVED, savedRows } from "../../queries/saved";
import { explainAnomaly } from "../../reports/pages/anomaly-words";
import { cleanupAfterAll } from "../support/cleanup";
import { at, only } from "../support/defined";
import { tempDir } from "../support/lake";
import { writeCloudTrail } from "../support/write-lake";

interface TrailRecord {
  eventTime: string;
  eventName: string;
  errorCode?: string;
  userIdentity: { arn?: string; sessionContext?: { sessionIssuer?: { arn?: string } } };
  sourceIPAddress: string;
  requestParameters: { bucketName?: string; key?: string } | null;
  additionalEventData?: { bytesTransferredOut?: number };
}

const FIXTURE = path.join(__dirname, "..", "fixtures", "realdata-ec2-proxy-s3-exfiltration.json");
const { Records: records } = JSON.parse(fs.readFileSync(FIXTURE, "utf8")) as { Records: TrailRecord[] };
const ACCOUNT = "123456789123";
const REGION = "us-east-1";
const DAY = "2020-09-14";
const ROLE = "arn:aws:iam::123456789123:role/MordorNginxStack-BankingWAFRole-9S3E0UAE1MM0";
/** The fixture's reads: the role's successful GetObjects, counted independently of the join. */
const reads = records.filter(
  (r) => r.eventName === "GetObject" && !r.errorCode && r.userIdentity.sessionContext?.sessionIssuer?.arn === ROLE,
);

/**
 * Constructed, not recorded: one catalog read by the account's user fifteen days earlier, so the lake
 * has watched the account for longer than `minHistoryDays` before the incident and "never seen" means
 * something. Shaped like the real records around it (pedro's console identity and address).
 */
const EARLIER_DAY = "2020-08-30";
const earlierRead = {
  eventVersion: "1.08",
  userIdentity: { type: "IAMUser", principalId: "AIDA5FLZVX4OLEXAMPLE", arn: `arn:aws:iam::${ACCOUNT}:user/pedro`, accountId: ACCOUNT },
  eventTime: `${EARLIER_DAY}T10:00:00Z`,
  eventSource: "glue.amazonaws.com",
  eventName: "GetTable",
  awsRegion: REGION,
  sourceIPAddress: "1.2.3.4",
  userAgent: "console.amazonaws.com",
  requestParameters: { databaseName: "banking", name: "waf_logs" },
  responseElements: null,
  requestID: "5b2e0f4c-0000-4000-8000-000000000001",
  eventID: "5b2e0f4c-0000-4000-8000-000000000002",
  readOnly: true,
  eventType: "AwsApiCall",
  managementEvent: true,
  recipientAccountId: ACCOUNT,
  eventCategory: "Management",
};

async function lakeWith(days: [string, unknown[]][]): Promise<{ root: string; engine: DuckDbEngine }> {
  const root = tempDir("exfiltration");
  // Delivered within the hour after each day's records, as CloudTrail delivers.
  for (const [day, dayRecords] of days) writeCloudTrail(root, ACCOUNT, REGION, `${day}T02:00:00Z`, dayRecords);
  const engine = await DuckDbEngine.open({ root });
  for (const [day] of days) await joinDayEmbedded(engine, day, REGION);
  await engine.refresh();
  return { root, engine };
}

const findings = async (engine: DuckDbEngine) =>
  savedRows(
    SAVED.anomalies,
    await runSavedQuery(engine, SAVED.anomalies, { from: DAY, to: DAY }, { ...DEFAULT_OPTIONS, anomalies: DEFAULT_ANOMALY_SETTINGS }),
  );

let lake: { root: string; engine: DuckDbEngine };
const cleanUp = cleanupAfterAll();
beforeAll(async () => {
  lake = await lakeWith([
    [EARLIER_DAY, [earlierRead]],
    [DAY, records],
  ]);
  cleanUp(() => fs.rmSync(lake.root, { recursive: true, force: true }));
  cleanUp(() => lake.engine.close());
}, 60_000);

describe("the real EC2-proxy exfiltration records", () => {
  it("hold the reads the test expects: the role's GetObjects from 1.2.3.4 with the CLI", () => {
    expect(reads.length).toBe(2);
    expect(new Set(reads.map((r) => r.sourceIPAddress))).toEqual(new Set(["1.2.3.4"]));
  });

  it("are joined as one access row: the role's direct reads with the CLI, calls, objects and bytes from the records", async () => {
    // The rest of the day (pedro's EC2 console calls, the role's ListBuckets and ListObjects, STS) reads no table or object.
    const { rows: all } = await lake.engine.run("SELECT count(*) AS n FROM access WHERE dt = :day", { day: DAY });
    expect(Number(only(all, "count row").n)).toBe(1);
    const { rows } = await lake.engine.run(
      "SELECT principal_arn, engine, source, array_join(actions, ',') AS actions, resource_kind, resource, calls, objects, bytes, " +
        "array_join(source_ips, ',') AS source_ips, dt FROM access " +
        "WHERE iam_principal_arn = :role",
      { role: ROLE },
    );
    const keys = new Set(reads.map((r) => `${r.requestParameters?.bucketName ?? ""}/${r.requestParameters?.key ?? ""}`));
    const bucketAndFirstFolder = only([...keys], "object the role read")
      .split("/")
      .slice(0, 2)
      .join("/");
    expect(rows.map((r) => ({ ...r, calls: Number(r.calls), objects: Number(r.objects), bytes: Number(r.bytes) }))).toEqual([
      {
        principal_arn: at(reads, 0, "read record").userIdentity.arn,
        engine: "cli",
        source: "s3",
        actions: "GetObject",
        // No grants snapshot names a table here: the read is kept by bucket and first folder (the key itself).
        resource_kind: "prefix",
        resource: bucketAndFirstFolder,
        calls: reads.length,
        objects: keys.size,
        bytes: reads.reduce((sum, r) => sum + (r.additionalEventData?.bytesTransferredOut ?? 0), 0),
        source_ips: "1.2.3.4",
        dt: DAY,
      },
    ]);
  });

  it("are found: the first direct reads of a principal the lake has never seen, with what, how much and from where", async () => {
    const role = (await findings(lake.engine)).filter((r) => r.principal_arn === ROLE);
    const bytes = reads.reduce((sum, r) => sum + (r.additionalEventData?.bytesTransferredOut ?? 0), 0);
    const what = (r: (typeof role)[number]) => [r.day, r.kind, r.severity, r.subject, r.measured, r.objects, r.calls, r.engine];
    expect(role.map(what)).toEqual([
      [DAY, "download", "medium", "mordors3stack-s3bucket-llp2yingx64a/ring.txt", bytes, 1, reads.length, "cli"],
    ]);
    expect(explainAnomaly(only(role, "finding for the role"))).toBe(
      `Read ${bytes} B in 1 object of mordors3stack-s3bucket-llp2yingx64a/ring.txt straight from S3 with AWS CLI from 1.2.3.0/24; ` +
        "the first direct reads by a principal not seen in the retained history, so there is no baseline to compare with.",
    );
    // No baseline and no network it used before: judged as new to the lake, not against a history.
    expect(role.map((r) => [r.networks, r.new_networks, r.baseline, r.baseline_objects])).toEqual([["1.2.3.0/24", null, null, null]]);
  });

  it("are not called new in a lake that began that day: there is nothing it could have seen the role in", async () => {
    const young = await lakeWith([[DAY, records]]);
    try {
      const { rows } = await young.engine.run("SELECT count(*) AS n FROM access WHERE iam_principal_arn = :role", { role: ROLE });
      expect(Number(only(rows, "count row").n), "joined all the same").toBe(1);
      expect((await findings(young.engine)).filter((r) => r.principal_arn === ROLE)).toEqual([]);
    } finally {
      await young.engine.close();
      fs.rmSync(young.root, { recursive: true, force: true });
    }
  });
});
