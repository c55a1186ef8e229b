/**
 * The people behind shared roles, judged against the generator's ledger: each planted anomaly's
 * finding names the sessions of the ledger's own queries for it (the caller ARN's last part), the
 * heaviest first, and its example query's text; the anomalies page puts both in the finding's row.
 * A generated lake of the days the plants need only (its first day for history, the plants' days),
 * so the demo's 90 joined days are not paid for twice.
 */
import * as fs from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_ANOMALY_SETTINGS } from "../../core/anomaly-settings";
import { generateLake, Ledger } from "../../generator/generate";
import { writeGrantsSnapshot } from "../../generator/grants";
import { LedgerEntry } from "../../generator/ledger";
import { PlantedAnomaly } from "../../generator/planted-anomalies";
import { DuckDbEngine } from "../../queries/duckdb/engine";
import { joinDayEmbedded } from "../../queries/join/embedded";
import { DEFAULT_OPTIONS, Period, runSavedQuery, SAVED, SavedRow, savedRows } from "../../queries/saved";
import { pageModel } from "../../reports/pages/model";
import { cleanupAfterAll } from "../support/cleanup";
import { only } from "../support/defined";
import { tempDir } from "../support/lake";

type Row = SavedRow<typeof SAVED.anomalies>;

let ledger: Ledger;
let period: Period;
let rows: Row[];

const cleanUp = cleanupAfterAll();
beforeAll(async () => {
  const root = tempDir("anomaly-sessions");
  cleanUp(() => fs.rmSync(root, { recursive: true, force: true }));
  // 60 days: the shortest lake that gets the plants.
  ledger = generateLake({ lake: root, days: 60, seed: 42, endDay: "2026-10-31" });
  await writeGrantsSnapshot(root, ledger.lastDay, undefined, { readEvents: true });
  const engine = await DuckDbEngine.open({ root });
  cleanUp(() => engine.close());
  const days = [ledger.firstDay, ...ledger.anomalies.map((a) => a.day), ...(ledger.directDownload ? [ledger.directDownload.day] : [])];
  for (const day of [...new Set(days)].sort())
    for (const region of ledger.regions) await joinDayEmbedded(engine, day, region, { tb: ledger.tb });
  await engine.refresh();
  period = { from: ledger.firstDay, to: ledger.lastDay };
  const anomalies = {
    ...DEFAULT_ANOMALY_SETTINGS,
    sensitive: ["finance", "hr"],
    knownBuckets: ["northwind-lake", "northwind-athena-results", "northwind-exports"],
  };
  rows = savedRows(SAVED.anomalies, await runSavedQuery(engine, SAVED.anomalies, period, { ...DEFAULT_OPTIONS, anomalies }));
}, 120_000);

/** The session a ledger query ran as: its caller ARN's last part when a role was assumed. */
const sessionOf = (arn: string | null) => /:assumed-role\/[^/]+\/([^/]+)$/.exec(arn ?? "")?.[1];

/**
 * The sessions of a finding's queries as it ranks them, worked out here from the ledger: a volume
 * finding's are all the principal's attributed queries of its day, ranked by bytes; an exfiltration's
 * the plant's, by bytes (what each measures); the others' the plant's, by queries; then bytes, then name.
 */
function expectedSessions(a: PlantedAnomaly): { sessions: string | null; count: number } {
  const queries =
    a.kind === "volume"
      ? ledger.queries.filter((q) => q.attributed && q.iamPrincipalArn === a.principalArn && q.eventDay === a.day)
      : ledger.queries.filter((q) => a.queryIds.includes(q.id));
  const by = new Map<string, LedgerEntry[]>();
  for (const q of queries) {
    const s = sessionOf(q.principalArn);
    if (s !== undefined) by.set(s, [...(by.get(s) ?? []), q]);
  }
  const bytes = (qs: LedgerEntry[]) => qs.reduce((n, q) => n + q.bytes, 0);
  const weight = (qs: LedgerEntry[]) => (a.kind === "exfiltration" || a.kind === "volume" ? bytes(qs) : qs.length);
  const ranked = [...by].sort(([x, xs], [y, ys]) => weight(ys) - weight(xs) || bytes(ys) - bytes(xs) || (x < y ? -1 : 1));
  return {
    sessions:
      ranked.length === 0
        ? null
        : ranked
            .slice(0, 3)
            .map(([s]) => s)
            .join(", "),
    count: ranked.length,
  };
}

const findingOf = (a: PlantedAnomaly) =>
  only(
    rows.filter((r) => r.kind === a.kind && r.principal_arn === a.principalArn && r.day === a.day && r.subject === a.subject),
    `${a.kind} by ${a.principalArn} on ${a.day}`,
  );
const planted = (kind: string, subject: string) =>
  only(
    ledger.anomalies.filter((a) => a.kind === kind && a.subject === subject),
    subject,
  );

describe("the sessions behind a finding, from the ledger", () => {
  it("names carol's session for the unload to her own bucket, and the laptop's for the pipeline's role used from the CLI", () => {
    const unload = planted("exfiltration", "s3://carol-transfer-2026");
    expect(expectedSessions(unload), "the ledger's own session for the plant").toEqual({ sessions: "carol@northwind.example", count: 1 });
    expect([findingOf(unload).sessions, findingOf(unload).session_count]).toEqual(["carol@northwind.example", 1]);
    const cli = planted("origin", "client:cli");
    expect(expectedSessions(cli).sessions).toBe("laptop");
    expect(findingOf(cli).sessions).toBe("laptop");
  });

  it("names, for every planted anomaly found, the sessions of the ledger's queries for it, and none for an IAM user", () => {
    const found = ledger.anomalies.filter((a) =>
      rows.some((r) => r.kind === a.kind && r.principal_arn === a.principalArn && r.day === a.day),
    );
    // alice's hour falls on an outage day, whose queries this lake (no system table) leaves unattributed.
    expect(found.map((a) => a.kind).sort()).toEqual([
      "exfiltration",
      "exfiltration",
      "newcomer",
      "origin",
      "probing",
      "probing",
      "probing",
      "reach",
      "volume",
    ]);
    for (const a of found) {
      const { sessions, count } = expectedSessions(a);
      expect([findingOf(a).sessions, findingOf(a).session_count], `${a.kind} ${a.subject}`).toEqual([sessions, count]);
    }
    expect(found.filter((a) => a.principalArn.includes(":user/")).map((a) => findingOf(a).sessions)).toEqual([null, null]);
  });

  it("names the stolen role's session for the direct download", () => {
    const d = ledger.directDownload!;
    const download = only(
      rows.filter((r) => r.kind === "download" && r.principal_arn === d.iamPrincipalArn && r.day === d.day),
      "download",
    );
    expect([download.sessions, download.session_count]).toEqual([sessionOf(d.principalArn), 1]);
  });

  it("gives each finding but those measuring a day's bytes (volume, newcomer, drift) an example query: the ledger's first", () => {
    const found = ledger.anomalies.filter((p) =>
      rows.some((r) => r.kind === p.kind && r.day === p.day && r.principal_arn === p.principalArn),
    );
    // A day's bytes (volume, a newcomer's day, a drift) have no one example.
    const measured = (a: PlantedAnomaly) => ["volume", "newcomer", "drift"].includes(a.kind);
    expect(found.filter(measured).map((a) => [findingOf(a).example_query_id, findingOf(a).example_query])).toEqual([
      [null, null],
      [null, null],
    ]);
    for (const a of found.filter((p) => !measured(p))) {
      const first = [...a.queryIds].sort()[0];
      expect(findingOf(a).example_query_id, a.subject).toBe(first);
      expect(findingOf(a).example_query, a.subject).toBe(ledger.queries.find((q) => q.id === first)?.text);
    }
  });
});

describe("the anomalies page, from the ledger", () => {
  it("puts carol's session and the unload, redacted, in the finding's own row", () => {
    const unload = planted("exfiltration", "s3://carol-transfer-2026");
    const table = only(pageModel({ query: SAVED.anomalies, result: { columns: [], rows, bytesScanned: 0 } }, period).tables, "table");
    const row = only(
      table.rows.filter((r) => r.includes("Exfiltration") && r.includes(unload.day) && (r[3] ?? "").startsWith("DataAnalyst")),
      "the unload's row",
    );
    expect(row[3]).toBe("DataAnalyst (carol@<wbr>northwind.example)");
    // generator/planted-anomalies.ts's text with each literal masked, by hand.
    expect(row.at(-1)).toBe(`\`UNLOAD (SELECT * FROM "sales"."customers") TO '?' WITH (format = '?', compression = '?')\``);
  });
});
