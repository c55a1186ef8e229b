/** A generated lake in a temporary folder, joined for every day, shared by a test file. */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { generateLake, Ledger } from "../../generator/generate";
import { LedgerEntry } from "../../generator/ledger";
import { tableLocations } from "../../generator/engine-actors";
import { databaseOf } from "../../generator/sql";
import { TbDefinition } from "../../core/cost";
import { writeGrantsSnapshot } from "../../generator/grants";
import { daysBetween } from "../../core/days";
import { DuckDbEngine } from "../../queries/duckdb/engine";
import { joinDayEmbedded, JoinSummary } from "../../queries/join/embedded";

export interface JoinedLake {
  root: string;
  ledger: Ledger;
  engine: DuckDbEngine;
  summaries: JoinSummary[];
  dispose(): Promise<void>;
}

export function tempDir(label: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `athena-audit-${label}-`));
}

/**
 * `tb`: the TB definition both the generator's ledger and the join bill with (default binary);
 * `systemTables`: the join reads the generated copy of Athena's system table as a second witness;
 * `trailReadEvents: false`: the variant whose trail records no read management events.
 */
export async function joinedLake(options: {
  days: number;
  seed: number;
  endDay?: string;
  tb?: TbDefinition;
  systemTables?: boolean;
  /** The trail records read management events (default true); the trails snapshot says so. */
  trailReadEvents?: boolean;
}): Promise<JoinedLake> {
  const root = tempDir("lake");
  const { days, seed, endDay, tb, trailReadEvents } = options;
  const ledger = generateLake({ lake: root, days, seed, endDay, tb, trailReadEvents });
  await writeGrantsSnapshot(root, ledger.lastDay, undefined, { readEvents: trailReadEvents ?? true });
  const engine = await DuckDbEngine.open({ root });
  const summaries: JoinSummary[] = [];
  for (const day of daysBetween(ledger.firstDay, ledger.lastDay)) {
    for (const region of ledger.regions)
      summaries.push(await joinDayEmbedded(engine, day, region, { tb: ledger.tb, systemTables: options.systemTables }));
  }
  await engine.refresh();
  return {
    root,
    ledger,
    engine,
    summaries,
    async dispose() {
      await engine.close();
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
}

/**
 * The principal the events table should show for a ledger entry: CloudTrail's, or with the system
 * table on, its witness's where CloudTrail has none.
 */
export function expectedPrincipal(
  q: LedgerEntry,
  systemTables: boolean,
): { arn: string | null; iam: string | null; source: string | null } {
  if (q.attributed) return { arn: q.principalArn, iam: q.iamPrincipalArn, source: "cloudtrail" };
  if (systemTables && q.witness) return { arn: q.witness.principalArn, iam: q.witness.iamPrincipalArn, source: "system_table" };
  return { arn: null, iam: null, source: null };
}

/** Ledger entries the events table should hold for the generated days. */
export function expectedEvents(ledger: Ledger) {
  return ledger.queries.filter((q) => q.eventDay >= ledger.firstDay && q.eventDay <= ledger.lastDay);
}

/** Whether a ledger query used a grant: ran in the work group, read the table, or read a table of the database. */
export function touchesGrant(q: LedgerEntry, kind: string, resource: string): boolean {
  if (kind === "workgroup") return q.workGroup === resource;
  if (kind === "table") return q.tables.includes(resource);
  return q.tables.some((t) => t.startsWith(`${resource}.`));
}

/**
 * The grants the ledger shows used outside Athena between `from` and `to` (inclusive), as
 * `<principal> <kind> <resource>`: every recorded read by another engine the audit counts (Glue
 * catalog, Lake Formation, S3 objects of a table's location), for the table and its database.
 */
export function usedOutsideAthena(ledger: Ledger, from: string, to: string): Set<string> {
  const used = new Set<string>();
  for (const a of ledger.access) {
    if (!a.countedByAudit || !a.recorded || a.day < from || a.day > to) continue;
    const table =
      a.resourceKind === "prefix"
        ? tableLocations(a.account).find((t) => `s3://${a.resource}`.startsWith(t.location))?.table
        : a.resourceKind === "table"
          ? a.resource
          : undefined;
    if (table) used.add(`${a.iamPrincipalArn} table ${table}`).add(`${a.iamPrincipalArn} database ${databaseOf(table)}`);
    if (a.resourceKind === "database") used.add(`${a.iamPrincipalArn} database ${a.resource}`);
  }
  return used;
}
