/**
 * The generator's reads outside Athena (issue 22): its `access` ledger against the CloudTrail records
 * it wrote, read back and aggregated here by hand; the rest of the lake unchanged; the trail without
 * read management events; table grants with their locations.
 */
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import * as zlib from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ENGINE_ACTORS, tableLocations } from "../../generator/engine-actors";
import { AccessEntry, aggregateAccess, AccessEvent } from "../../generator/engine-ledger";
import { engineDay } from "../../generator/engines";
import { generateLake, Ledger } from "../../generator/generate";
import { writeGrantsSnapshot } from "../../generator/grants";
import { ACCOUNT_ID, MARKETING_ACCOUNT_ID } from "../../generator/org";
import { Random } from "../../generator/random";
import { cloudTrailFiles, historyFiles } from "../../queries/lake/files";
import { grantsObjectKey } from "../../core/layout";
import { present } from "../support/defined";
import { tempDir } from "../support/lake";

/** The fields of a CloudTrail record these tests read. */
interface Rec {
  eventVersion: string;
  eventTime: string;
  eventSource: string;
  eventName: string;
  awsRegion: string;
  sourceIPAddress: string;
  recipientAccountId: string;
  readOnly: boolean;
  managementEvent: boolean;
  errorCode?: string;
  userIdentity: { arn: string; invokedBy?: string; sessionContext?: { sessionIssuer?: { arn: string } } };
  /** Only the keys of the record's own kind are there (GetPartitions names its table `tableName`, or `name` in the older noise). */
  requestParameters: { name: string; databaseName: string; tableName?: string; tableArn: string; bucketName: string; key: string };
  additionalEventData?: { bytesTransferredOut?: number };
}

/** A grants snapshot row as written. */
interface GrantLine {
  principal_arn: string;
  grant_kind: string;
  resource: string;
  location: string | null;
}

const GiB = 1024 ** 3;
/**
 * The 5-day lake (seed 42, default end day) before the engines were added (commit 50da6ca): every
 * history and CloudTrail file, path and SHA-256, and the ledger's queries. The engines' records go to
 * files of their own, so the files that hold any of the old records must be exactly these.
 */
const BEFORE = {
  files: "ca4ae27aac50416a3f82071d87847ebfb6e88116c296b70af8d11031be5740a9",
  queries: "45b837370177412aca0180a4d5646abfc639306a68535721a93d46e4a24a7cf5",
};

const roots: string[] = [];
afterAll(() => roots.forEach((r) => fs.rmSync(r, { recursive: true, force: true })));

interface Lake {
  root: string;
  ledger: Ledger;
  files: { file: string; records: Rec[] }[];
}

function lake(trailReadEvents?: boolean): Lake {
  const root = tempDir("engines");
  roots.push(root);
  const ledger = generateLake({ lake: root, days: 5, seed: 42, trailReadEvents });
  const files = cloudTrailFiles({ root }).map((file) => ({
    file,
    records: (JSON.parse(zlib.gunzipSync(fs.readFileSync(file)).toString("utf8")) as { Records: Rec[] }).Records,
  }));
  return { root, ledger, files };
}

const sha = (data: string | Buffer) => crypto.createHash("sha256").update(data).digest("hex");

/** The old lake's digest: history, and the CloudTrail files holding a record of the old kinds (event version 1.09). */
function oldFilesDigest(l: Lake): string {
  const old = new Set(l.files.filter((f) => f.records.some((r) => r.eventVersion === "1.09")).map((f) => f.file));
  const files = [...historyFiles({ root: l.root }), ...cloudTrailFiles({ root: l.root }).filter((f) => old.has(f))];
  const lines = files.map((f) => `${path.relative(l.root, f)} ${sha(fs.readFileSync(f))}\n`).sort();
  return sha(lines.join(""));
}

const GLUE_READS = ["GetDatabase", "GetTable", "GetTables", "GetPartitions", "GetPartition", "BatchGetPartition"];

/** The engine a read shows, decided from the record alone (what the audit has to do too). */
function engineOf(r: Rec): AccessEntry["engine"] {
  const by = r.userIdentity.invokedBy;
  if (by === "athena.amazonaws.com") return "athena";
  if (by === "redshift.amazonaws.com") return "redshift-spectrum";
  if (r.eventSource === "lakeformation.amazonaws.com" || r.userIdentity.arn.includes("/AWSLF-")) return "emr";
  if (r.userIdentity.arn.endsWith("/GlueJobRunnerSession") || r.sourceIPAddress === "glue.amazonaws.com") return "glue-etl";
  return "cli";
}

/** The access entries of the records a lake holds, aggregated by hand (recorded reads only). */
function entriesFromRecords(files: Lake["files"]): AccessEntry[] {
  const groups = new Map<string, AccessEntry & { keys: Set<string> }>();
  for (const r of files.flatMap((f) => f.records)) {
    let source: AccessEntry["source"];
    let resourceKind: AccessEntry["resourceKind"] = "table";
    let resource: string;
    const p = r.requestParameters;
    if (r.eventSource === "glue.amazonaws.com" && GLUE_READS.includes(r.eventName) && !r.errorCode) {
      source = "glue";
      if (r.eventName === "GetDatabase") [resourceKind, resource] = ["database", p.name];
      else resource = `${p.databaseName}.${p.tableName ?? p.name}`;
    } else if (r.eventSource === "lakeformation.amazonaws.com" && r.eventName === "GetDataAccess") {
      source = "lakeformation";
      resource = present(p.tableArn.split(":table/")[1], `the table in ${p.tableArn}`).replace("/", ".");
    } else if (r.eventSource === "s3.amazonaws.com" && r.eventName === "GetObject") {
      source = "s3";
      resourceKind = "prefix";
      // Every table's files are under <bucket>/<database>/<table>/.
      resource = `${p.bucketName}/${p.key.split("/").slice(0, 2).join("/")}/`;
    } else continue;
    const principalArn = r.userIdentity.arn;
    const engine = engineOf(r);
    const key = [r.eventTime.slice(0, 10), r.recipientAccountId, r.awsRegion, principalArn, engine, source, resourceKind, resource].join(
      " ",
    );
    const group = groups.get(key) ?? {
      day: r.eventTime.slice(0, 10),
      account: r.recipientAccountId,
      region: r.awsRegion,
      principalArn,
      iamPrincipalArn: r.userIdentity.sessionContext?.sessionIssuer?.arn ?? principalArn,
      engine,
      source,
      resourceKind,
      resource,
      calls: 0,
      objects: 0,
      bytes: 0,
      countedByAudit: engine !== "athena",
      recorded: true,
      keys: new Set<string>(),
    };
    groups.set(key, group);
    group.calls++;
    if (source === "s3") {
      group.keys.add(`${p.bucketName}/${p.key}`);
      group.bytes += r.additionalEventData?.bytesTransferredOut ?? 0;
    }
  }
  return [...groups.values()].map(({ keys, ...e }) => ({ ...e, objects: keys.size }));
}

/** Entries that differ between two lists, keyed as the ledger keys them; empty when they agree. */
function mismatches(ledger: readonly AccessEntry[], written: readonly AccessEntry[]): string[] {
  const keyOf = (e: AccessEntry) => [e.day, e.account, e.region, e.principalArn, e.engine, e.source, e.resourceKind, e.resource].join(" ");
  const want = new Map(written.map((e) => [keyOf(e), JSON.stringify(e)]));
  const have = new Map(ledger.map((e) => [keyOf(e), JSON.stringify(e)]));
  const keys = [...new Set([...want.keys(), ...have.keys()])].sort();
  return keys
    .filter((k) => want.get(k) !== have.get(k))
    .map((k) => `${k}: ledger ${have.get(k) ?? "none"} written ${want.get(k) ?? "none"}`);
}

let full: Lake;
let noReads: Lake;
beforeAll(() => {
  full = lake();
  noReads = lake(false);
});

describe("the generator's reads outside Athena", () => {
  it("leaves the lake it wrote before byte for byte: history, queries and every old CloudTrail file", () => {
    // The ledger's queries as they were then: `eventAt` came later (issue 27) and changed none of them.
    const then = full.ledger.queries.map((q) => Object.fromEntries(Object.entries(q).filter(([key]) => key !== "eventAt")));
    expect(sha(JSON.stringify(then))).toBe(BEFORE.queries);
    expect(oldFilesDigest(full)).toBe(BEFORE.files);
    // The engines' records are in files of their own, and there are some.
    expect(full.files.filter((f) => f.records.every((r) => r.eventVersion !== "1.09")).length).toBeGreaterThan(10);
  });

  it("lists exactly the reads the CloudTrail files hold, aggregated by day, principal, engine, source and resource", () => {
    const recorded = full.ledger.access.filter((e) => e.recorded);
    // The two outages of these 5 days (13:00-15:00 on the 28th, 02:00-03:00 on the 30th) fall between the engines' reads.
    expect(recorded).toHaveLength(full.ledger.access.length);
    expect(mismatches(recorded, entriesFromRecords(full.files))).toEqual([]);
    const engines = new Set(recorded.map((e) => `${e.engine} ${e.source}`));
    for (const e of ["glue-etl glue", "glue-etl s3", "redshift-spectrum glue", "redshift-spectrum s3", "emr lakeformation", "emr s3"])
      expect(engines, e).toContain(e);
    expect(engines).toContain("athena glue");
    expect(engines).toContain("athena s3");
    expect(recorded.filter((e) => e.engine === "athena").every((e) => !e.countedByAudit)).toBe(true);
    // Both accounts: Athena's own calls in the marketing account too.
    expect(recorded.some((e) => e.account === MARKETING_ACCOUNT_ID && e.engine === "athena")).toBe(true);
  });

  it("would fail with a ledger one call, one object or one entry off", () => {
    const written = entriesFromRecords(full.files);
    const s3 = full.ledger.access.findIndex((e) => e.source === "s3" && e.objects > 1);
    const offByOne = (field: "calls" | "objects" | "bytes") =>
      full.ledger.access.map((e, i) => (i === s3 ? { ...e, [field]: e[field] + 1 } : e));
    expect(mismatches(offByOne("calls"), written)).toHaveLength(1);
    expect(mismatches(offByOne("objects"), written)).toHaveLength(1);
    expect(mismatches(offByOne("bytes"), written)).toHaveLength(1);
    expect(mismatches(full.ledger.access.slice(1), written)).toHaveLength(1);
  });

  it("aggregates by hand-worked example: distinct keys, calls and bytes", () => {
    const base = {
      account: ACCOUNT_ID,
      region: "us-east-1",
      principalArn: "arn:aws:sts::210987654321:assumed-role/r/s",
      iamPrincipalArn: "arn:aws:iam::210987654321:role/r",
      engine: "cli" as const,
      source: "s3" as const,
      resourceKind: "prefix" as const,
      resource: "b/d/t/",
      countedByAudit: true,
      recorded: true,
    };
    const events: AccessEvent[] = [
      { ...base, at: new Date("2026-10-01T01:00:00Z"), object: "b/d/t/1", bytes: 10 },
      { ...base, at: new Date("2026-10-01T02:00:00Z"), object: "b/d/t/1", bytes: 10 },
      { ...base, at: new Date("2026-10-01T03:00:00Z"), object: "b/d/t/2", bytes: 5 },
      { ...base, at: new Date("2026-10-02T00:00:01Z"), object: "b/d/t/2", bytes: 5 },
    ];
    expect(aggregateAccess(events).map((e) => [e.day, e.calls, e.objects, e.bytes])).toEqual([
      ["2026-10-01", 3, 2, 25],
      ["2026-10-02", 1, 1, 5],
    ]);
  });

  it("plants one direct download of the ledger's files with the CLI, from a network no other record uses", () => {
    const d = full.ledger.directDownload!;
    expect(d).toMatchObject({
      day: "2026-10-28",
      objects: 400,
      principalArn: "arn:aws:sts::210987654321:assumed-role/reporting-app/reporting-app",
    });
    expect(d.bytes).toBeGreaterThan(20 * GiB);
    expect(d.bytes).toBeLessThan(40 * GiB);
    const network = d.sourceIp.split(".").slice(0, 3).join(".") + ".";
    const fromThere = full.files.flatMap((f) => f.records).filter((r) => r.sourceIPAddress.startsWith(network));
    expect(fromThere).toHaveLength(400);
    expect(fromThere.reduce((n, r) => n + (r.additionalEventData?.bytesTransferredOut ?? 0), 0)).toBe(d.bytes);
    const entry = full.ledger.access.find((e) => e.engine === "cli" && e.source === "s3")!;
    expect([entry.principalArn, entry.day, entry.calls, entry.objects, entry.bytes, entry.resource]).toEqual([
      d.principalArn,
      d.day,
      400,
      400,
      d.bytes,
      "northwind-lake/finance/ledger/",
    ]);
  });

  it("keeps the extra records modest: under a thousand a day", () => {
    const extra = full.files.filter((f) => f.records.every((r) => r.eventVersion !== "1.09")).flatMap((f) => f.records);
    expect(extra.length / 5).toBeLessThan(1000);
  });
});

describe("a trail without read management events", () => {
  it("writes no Glue or Lake Formation reads, keeps S3 data events, and lists the unrecorded reads as such", () => {
    const records = noReads.files.flatMap((f) => f.records);
    expect(records.filter((r) => ["glue.amazonaws.com", "lakeformation.amazonaws.com"].includes(r.eventSource) && r.readOnly)).toEqual([]);
    expect(records.some((r) => r.managementEvent && r.readOnly)).toBe(false);
    expect(records.filter((r) => r.eventName === "GetObject").length).toBeGreaterThan(100);
    const unrecorded = noReads.ledger.access.filter((e) => !e.recorded);
    expect(new Set(unrecorded.map((e) => e.source))).toEqual(new Set(["glue", "lakeformation"]));
    // The same reads as the full trail's, only marked unrecorded.
    expect(noReads.ledger.access.map((e) => ({ ...e, recorded: true }))).toEqual(full.ledger.access);
    expect(
      mismatches(
        noReads.ledger.access.filter((e) => e.recorded),
        entriesFromRecords(noReads.files),
      ),
    ).toEqual([]);
  });

  it("leaves Athena's queries and history as they are", () => {
    expect(noReads.ledger.queries).toEqual(full.ledger.queries);
    const history = (l: Lake) => historyFiles({ root: l.root }).map((f) => `${path.relative(l.root, f)} ${sha(fs.readFileSync(f))}`);
    expect(history(noReads)).toEqual(history(full));
    const starts = (l: Lake) =>
      l.files
        .flatMap((f) => f.records)
        .filter((r) => r.eventName === "StartQueryExecution")
        .map((r) => JSON.stringify(r))
        .sort();
    expect(starts(noReads)).toEqual(starts(full));
  });
});

describe("grants", () => {
  it("carry each table grant's location, and the engines' roles hold grants on the tables they read", async () => {
    const root = tempDir("engine-grants");
    roots.push(root);
    await writeGrantsSnapshot(root, full.ledger.lastDay);
    const rows = zlib
      .gunzipSync(fs.readFileSync(path.join(root, grantsObjectKey(ACCOUNT_ID, full.ledger.lastDay))))
      .toString("utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as GrantLine);
    expect(rows.filter((r) => r.grant_kind !== "table").every((r) => r.location === null)).toBe(true);
    const tables = rows.filter((r) => r.grant_kind === "table");
    expect(tables.find((r) => r.resource === "sales.orders")?.location).toBe("s3://northwind-lake/sales/orders/");
    expect(tables.find((r) => r.resource === "hr.salaries")?.location).toBe("s3://northwind-lake/hr/salaries/");
    expect(tables.every((r) => r.location === `s3://northwind-lake/${r.resource.replace(".", "/")}/`)).toBe(true);
    for (const engine of [ENGINE_ACTORS.glueEtl, ENGINE_ACTORS.redshift, ENGINE_ACTORS.emr]) {
      const held = tables.filter((r) => r.principal_arn === engine.arn).map((r) => r.resource);
      for (const table of engine.tables) expect(held, engine.name).toContain(table);
    }
    expect(tableLocations(MARKETING_ACCOUNT_ID)).toContainEqual({
      table: "ads.spend",
      location: "s3://northwind-marketing-lake/ads/spend/",
    });
  });
});

describe("a trail outage", () => {
  it("loses the reads of its hours: listed as unrecorded, no record delivered", () => {
    const input = { day: "2026-10-26", region: "us-east-1", account: ACCOUNT_ID, queries: [], simulated: [], downloadDay: "2026-10-26" };
    const whole = engineDay({ ...input, trailReadEvents: true }, new Random(5));
    const lost = engineDay({ ...input, trailReadEvents: true, outage: [0, 24] }, new Random(5));
    // 2026-10-26 is a Monday: the Glue job, Redshift Spectrum, EMR and the planted download all read.
    expect(new Set(whole.access.map((e) => e.engine))).toEqual(new Set(["glue-etl", "redshift-spectrum", "emr", "cli"]));
    expect(whole.records).toHaveLength(whole.access.length);
    expect(lost.records).toEqual([]);
    expect(lost.access).toEqual(whole.access.map((e) => ({ ...e, recorded: false })));
  });
});
