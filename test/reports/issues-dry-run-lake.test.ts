/**
 * `issues sync --dry-run` with no GITHUB_TOKEN and no network, over a generated lake on the embedded
 * engine: the issues it would open are the ones the generator's ledger implies, for the permission
 * gaps (the grants it declared and never used) and the anomalies (what it planted in the alert window).
 */
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { addDays } from "../../core/days";
import { DirectDownload } from "../../generator/engine-ledger";
import { declaredGrants } from "../../generator/iam";
import { databasesOf } from "../../generator/org";
import { cleanupAfterAll } from "../support/cleanup";
import { present } from "../support/defined";
import { accountOf, ANOMALY_LABEL, GAPS_LABEL, OFFLINE, offlineSync, preview } from "../support/dry-run";
import { expectedEvents, joinedLake, JoinedLake, usedOutsideAthena } from "../support/lake";

const sync = offlineSync();
const cleanUp = cleanupAfterAll();
let lake: JoinedLake;
const args = () => ["--lake", lake.root, "--days", "60", "--end", lake.ledger.lastDay, "--max-new", "100"];

beforeAll(async () => {
  // Sixty days: the shortest lake the generator plants its anomalies in.
  lake = await joinedLake({ days: 60, seed: 42 });
  cleanUp(() => lake.dispose());
}, 180_000);

describe("issues sync --dry-run, offline, over a generated lake", () => {
  it("prints one permission-gap issue per principal, with the grants the ledger declared and never used", async () => {
    const { firstDay: from, lastDay: to } = lake.ledger;
    const granted = declaredGrants(to).flatMap((g) => [
      ...g.workGroups.map((w) => ({ arn: g.principalArn, grant: `workgroup ${w}` })),
      ...g.databases.map((d) => ({ arn: g.principalArn, grant: `database ${d}` })),
      ...g.databases.flatMap((d) => present(databasesOf(g.account)[d], d).map((t) => ({ arn: g.principalArn, grant: `table ${d}.${t}` }))),
    ]);
    const used = new Set(
      expectedEvents(lake.ledger).flatMap((q) => {
        if (q.iamPrincipalArn === null) return [];
        const who = q.iamPrincipalArn;
        const database = (t: string) => present(t.split(".")[0], `the database of ${t}`);
        return [`${who} workgroup ${q.workGroup}`, ...q.tables.flatMap((t) => [`${who} table ${t}`, `${who} database ${database(t)}`])];
      }),
    );
    const outside = usedOutsideAthena(lake.ledger, from, to);
    const unused = new Map<string, number>();
    for (const { arn, grant } of granted)
      if (!used.has(`${arn} ${grant}`) && !outside.has(`${arn} ${grant}`)) unused.set(arn, (unused.get(arn) ?? 0) + 1);
    const name = (arn: string) => arn.split("/").pop() ?? arn;
    const named = (arn: string) => [...unused.keys()].filter((a) => name(a) === name(arn)).length;
    const titles = [...unused].map(([arn, n]) => {
      const where = named(arn) > 1 ? `account ${accountOf(arn)}, ` : "";
      return `Unused Athena permissions: ${name(arn)} (${where}${n} grant${n === 1 ? "" : "s"})`;
    });
    expect([...unused.keys()].some((arn) => arn.endsWith(":user/old-contractor"))).toBe(true);

    const run = await sync.run(args());
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout.split("\n")[0]).toBe(OFFLINE);
    const { summary, sections } = preview(run.stdout);
    expect(summary).toBe(`dry run, label ${GAPS_LABEL}, stack main: ${unused.size} to open, 0 to update, 0 to close, 0 unchanged`);
    expect(sections.map((s) => s.title).sort()).toEqual(titles.sort());
  });

  it("prints one anomaly issue per high finding of the alert window: the planted ones and the direct download", async () => {
    const { lastDay } = lake.ledger;
    const from = addDays(lastDay, -13);
    // The demo's settings, for the generator's default last day: the file `report` reads for the demo.
    const settings = path.join(__dirname, "..", "..", "generator", "demo-anomaly-settings.json");
    const short = (arn: string) => arn.replace(/^arn:aws:iam::\d{12}:(?:role|user)\//, "");
    const planted = lake.ledger.anomalies.filter((a) => a.day >= from);
    const download: DirectDownload = present(lake.ledger.directDownload ?? undefined, "the planted download");
    // The download's role had never used the CLI: its first use is an origin finding of its own.
    const expected = [
      ...planted.map((a) => `Anomaly (high): ${a.kind} by ${short(a.principalArn)} on ${a.day} (${a.subject})`),
      `Anomaly (high): download by ${short(download.iamPrincipalArn)} on ${download.day} (${download.table})`,
      `Anomaly (high): origin by ${short(download.iamPrincipalArn)} on ${download.day} (client:cli)`,
    ];
    expect(planted.map((a) => a.kind).sort()).toEqual(["exfiltration", "exfiltration", "newcomer", "origin", "probing"]);

    const run = await sync.run(["--anomalies", "--anomaly-settings", settings, ...args()]);
    expect(run.status, run.stderr).toBe(0);
    const { summary, sections } = preview(run.stdout);
    expect(summary).toBe(`dry run, label ${ANOMALY_LABEL}, stack main: ${expected.length} to open, 0 to update, 0 to close, 0 unchanged`);
    expect(sections.map((s) => s.title).sort()).toEqual(expected.sort());
    expect(sections.every((s) => s.labels === ANOMALY_LABEL && s.body.endsWith(" stack=main -->"))).toBe(true);
  });
});
