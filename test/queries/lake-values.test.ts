/**
 * Values checked where they enter (issue 23, part 3): account ids, regions, days and work groups in
 * partition folders, and the names inside history and CloudTrail records, against AWS's grammar. A
 * value that fails is named JSON-escaped, its folder or record skipped and counted, and the run goes on.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { DuckDbEngine } from "../../queries/duckdb/engine";
import { joinDayEmbedded } from "../../queries/join/embedded";
import { warningLines } from "../../queries/lake/checked";
import { historyFiles, historyListing, historyRegions } from "../../queries/lake/files";
import { historyValuesProblem, partitionFolderProblem, trailValuesProblem } from "../../queries/lake/values";
import { only } from "../support/defined";
import { tempDir } from "../support/lake";
import { writeCloudTrail, writeHistory } from "../support/write-lake";

const DAY = "2026-03-10";
const REGION = "us-east-1";
const ACCOUNT = "111122223333";

const roots: string[] = [];
afterEach(() => roots.splice(0).forEach((r) => fs.rmSync(r, { recursive: true, force: true })));

function lake(): string {
  const root = tempDir("values");
  roots.push(root);
  return root;
}

function execution(id: string, extra: Record<string, unknown> = {}) {
  return {
    QueryExecutionId: id,
    WorkGroup: "primary",
    Query: "SELECT 1",
    Status: { State: "SUCCEEDED", SubmissionDateTime: `${DAY}T10:00:00.000Z` },
    Statistics: { DataScannedInBytes: 10 },
    ...extra,
  };
}

function start(id: string, extra: Record<string, unknown> = {}) {
  return {
    eventVersion: "1.08",
    userIdentity: { type: "IAMUser", arn: `arn:aws:iam::${ACCOUNT}:user/analyst`, accountId: ACCOUNT },
    eventTime: `${DAY}T10:00:00Z`,
    eventSource: "athena.amazonaws.com",
    eventName: "StartQueryExecution",
    awsRegion: REGION,
    requestParameters: { queryString: "SELECT 1", workGroup: "primary" },
    responseElements: { queryExecutionId: id },
    eventID: `event-${id}`,
    recipientAccountId: ACCOUNT,
    ...extra,
  };
}

const historyTable = (root: string) => path.join(root, "athena-audit", "history");

/** Copies `file` to the same place with one folder of its key renamed to `bad`. */
function copyUnder(root: string, file: string, folder: string, bad: string): string {
  const relative = path.relative(historyTable(root), file).split(path.sep);
  const at = relative.findIndex((part) => part.startsWith(`${folder}=`));
  relative[at] = bad;
  const target = path.join(historyTable(root), ...relative);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.copyFileSync(file, target);
  return target;
}

describe("partition folders", () => {
  it.each([
    ["account", "account=111122223333", undefined],
    ["account", "account=12345", 'folder "account=12345": "12345" is not an account id (12 digits)'],
    ["region", "region=US-EAST-1", 'folder "region=US-EAST-1": "US-EAST-1" is not a region name (like us-east-1)'],
    ["dt", "dt=2026-02-30", 'folder "dt=2026-02-30": "2026-02-30" is not a day (YYYY-MM-DD)'],
    ["workgroup", "workgroup=a,b", 'folder "workgroup=a,b": "a,b" is not a work-group name ([a-zA-Z0-9._-], 1 to 128)'],
    ["workgroup", "workgroup=x\ny", 'folder "workgroup=x\\ny": "x\\ny" is not a work-group name ([a-zA-Z0-9._-], 1 to 128)'],
    ["workgroup", "history.json.gz", 'folder "history.json.gz" is not a workgroup= partition'],
  ] as const)("%s folder %j", (key, name, problem) => {
    expect(partitionFolderProblem(key, name)).toBe(problem);
  });

  it("the join skips and counts files below a bad account or work-group folder, names each folder escaped, and keeps them", async () => {
    const root = lake();
    const good = only(writeHistory(root, REGION, [execution("g1"), execution("g2")], ACCOUNT), "history file written");
    const badAccount = copyUnder(root, good, "account", "account=12345");
    const comma = copyUnder(root, good, "workgroup", "workgroup=a,b");
    const newline = copyUnder(root, good, "workgroup", "workgroup=evil\nname");
    const otherRegion = copyUnder(root, good, "region", "region=US-EAST-1");
    expect(historyFiles({ root })).toEqual([good]);
    expect(historyRegions({ root })).toEqual([REGION]);

    const warnings: string[] = [];
    const engine = await DuckDbEngine.open({ root }, { warn: (line) => warnings.push(line) });
    const summary = await joinDayEmbedded(engine, DAY, REGION);
    // 1 file read (2 rows), 3 skipped in the region joined (the bad region is never looked at for us-east-1).
    expect(summary.history).toMatchObject({ files: 4, filesRead: 1, skippedFiles: 3, skippedRecords: 0, records: 2 });
    const day = path.dirname(path.dirname(good));
    // Accounts are listed before any is entered: the bad account is named first.
    expect(summary.history.problems).toEqual([
      { file: `${historyTable(root)}/`, reason: 'folder "account=12345": "12345" is not an account id (12 digits): its 1 file(s) skipped' },
      { file: day, reason: 'folder "workgroup=a,b": "a,b" is not a work-group name ([a-zA-Z0-9._-], 1 to 128): its 1 file(s) skipped' },
      {
        file: day,
        reason: 'folder "workgroup=evil\\nname": "evil\\nname" is not a work-group name ([a-zA-Z0-9._-], 1 to 128): its 1 file(s) skipped',
      },
    ]);
    expect(summary).toMatchObject({ rows: 2 });
    for (const line of warningLines("history", summary.history)) expect(line).not.toMatch(/\n/);

    // The report's history view skips the same folders, and the bad region too: 4 in all.
    await engine.refresh();
    const rows = await engine.run("SELECT queryexecutionid AS id, workgroup, account FROM history ORDER BY 1");
    expect(rows.rows).toEqual([
      { id: "g1", workgroup: "primary", account: ACCOUNT },
      { id: "g2", workgroup: "primary", account: ACCOUNT },
    ]);
    expect(engine.historyCheck).toMatchObject({ filesRead: 1, skippedFiles: 4, records: 2 });
    expect(warnings).toHaveLength(5);
    expect(warnings.every((w) => !w.includes("\n"))).toBe(true);
    await engine.close();
    // Nothing the user did not name is deleted.
    for (const file of [badAccount, comma, newline, otherRegion]) expect(fs.existsSync(file)).toBe(true);
  });

  it("lists only the workgroup= folders of a day: a stray file beside them is skipped and counted", () => {
    const root = lake();
    const good = only(writeHistory(root, REGION, [execution("g1")], ACCOUNT), "history file written");
    const stray = path.join(path.dirname(path.dirname(good)), "history.json.gz");
    fs.copyFileSync(good, stray);
    const listing = historyListing({ root }, { region: REGION, dts: [DAY] });
    expect(listing.files).toEqual([good]);
    expect(listing.skipped).toEqual([
      { parent: path.dirname(stray), reason: 'folder "history.json.gz" is not a workgroup= partition: its 1 file(s) skipped', files: 1 },
    ]);
  });
});

describe("names inside records", () => {
  it("skips a history line whose database or referenced table is no Glue name, naming it escaped", async () => {
    const root = lake();
    const [file] = writeHistory(
      root,
      REGION,
      [
        execution("h1"),
        execution("h2", { QueryExecutionContext: { Database: "sales\nDROP" } }),
        execution("h3", { QueryExecutionContext: { Database: "sales", Catalog: "AwsDataCatalog" } }),
      ],
      ACCOUNT,
    );
    const engine = await DuckDbEngine.open({ root });
    const summary = await joinDayEmbedded(engine, DAY, REGION);
    expect(summary.history).toMatchObject({ records: 2, skippedRecords: 1 });
    expect(summary.history.problems).toEqual([
      { file, line: 2, reason: 'QueryExecutionContext.Database "sales\\nDROP" is not a Glue name (one line, 1 to 255 characters)' },
    ]);
    expect(summary.rows).toBe(2);
    await engine.close();
    // The collector's Audit (writeHistory writes its own), checked by the same decision.
    expect(historyValuesProblem({ Audit: { Region: REGION, ReferencedTables: ["sales.orders", "x\u0000.y"] } })).toBe(
      'Audit.ReferencedTables[1] "x\\u0000.y" is not a table name (database.table, one line)',
    );
    expect(historyValuesProblem({ Audit: { Region: "us-east-1\n" } })).toBe(
      'Audit.Region "us-east-1\\n" is not a region name (like us-east-1)',
    );
    expect(historyValuesProblem({ WorkGroup: "a,b" })).toBe('WorkGroup "a,b" is not a work-group name ([a-zA-Z0-9._-], 1 to 128)');
  });

  it("skips a StartQueryExecution whose account or caller ARN is malformed; the query stays, unattributed", async () => {
    const root = lake();
    writeHistory(
      root,
      REGION,
      ["t1", "t2", "t3"].map((id) => execution(id)),
      ACCOUNT,
    );
    const file = writeCloudTrail(root, ACCOUNT, REGION, `${DAY}T10:20:00Z`, [
      start("t1"),
      start("t2", { recipientAccountId: "12345" }),
      start("t3", { userIdentity: { type: "IAMUser", arn: `arn:aws:iam::${ACCOUNT}:user/a\nb`, accountId: ACCOUNT } }),
    ]);
    const engine = await DuckDbEngine.open({ root });
    const summary = await joinDayEmbedded(engine, DAY, REGION);
    expect(summary.cloudTrail).toMatchObject({ records: 1, skippedRecords: 2 });
    expect(summary.cloudTrail.problems).toEqual([
      { file, record: 2, reason: 'record 2: recipientAccountId "12345" is not an account id (12 digits)' },
      {
        file,
        record: 3,
        reason: `record 3: userIdentity.arn "arn:aws:iam::${ACCOUNT}:user/a\\nb" is not a principal ARN (arn:aws:iam::<account>:...)`,
      },
    ]);
    expect(summary).toMatchObject({ rows: 3, attributed: 1, unattributed: 2 });
    await engine.close();
  });

  it("accepts the real records' names: users, assumed roles with paths, QuickSight's service role", () => {
    const fixture = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "fixtures", "realdata-athena.json"), "utf8")) as {
      cloudtrail: { record: Record<string, unknown> }[];
    };
    const problems = fixture.cloudtrail.map((c) => trailValuesProblem(c.record));
    // One public sample has its account redacted to "xxxx": the only one refused, and named.
    expect(problems.filter((p) => p !== undefined)).toEqual(['recipientAccountId "xxxx" is not an account id (12 digits)']);
    expect(problems.length).toBeGreaterThan(5);
  });
});
