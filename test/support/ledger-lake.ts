/**
 * A lake whose joined tables (events, access) are written straight from the generator's ledger, with
 * no CloudTrail or history files and no join: what a sweep over many seeds needs to run the saved
 * queries in seconds. The rows are what the join makes of the ledger (test/support/lake.ts
 * `expectedPrincipal`, with the system table as second witness, as the demo joins); what the ledger
 * does not keep (user agents, queue and planning times, other engines' event names) is null or empty.
 * Measured on the demo (seed 42, 90 + 90 days) against the real join with the system table, the
 * anomalies query finds the same 14 findings, and one more in the joined lake: the direct download's
 * origin `client:cli`, because the ledger names every catalog read by a principal's own client `cli`
 * (generator/engine-ledger.ts `noiseAccess`) where the join tells the client by its user agent.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { Ledger, generateLake, GenerateOptions } from "../../generator/generate";
import { writeGrantsSnapshot } from "../../generator/grants";
import { LedgerEntry } from "../../generator/ledger";
import { anyActor } from "../../generator/planted-actors";
import { AccessEntry } from "../../generator/engine-ledger";
import { tableLocations } from "../../generator/engine-actors";
import { accessTablePrefix, DEFAULT_PREFIX, eventsTablePrefix } from "../../core/layout";
import { ACCESS, EVENTS, TableDefinition } from "../../queries/schema/tables";
import { duckType } from "../../queries/schema/types";
import { sqlString } from "../../queries/duckdb/views";
import { DuckDbEngine } from "../../queries/duckdb/engine";
import { expectedPrincipal, tempDir } from "./lake";

/** DuckDB reads `2026-10-01 05:20:00.123` as a TIMESTAMP. */
const timestamp = (iso: string) => iso.replace("T", " ").replace(/Z$/, "");

const typeOf = (arn: string | null) => (arn === null ? null : arn.includes(":user/") ? "IAMUser" : "AssumedRole");

/** The events row the join writes for a ledger query. */
export function eventsRow(q: LedgerEntry, systemTables = true): Record<string, unknown> {
  const p = expectedPrincipal(q, systemTables);
  const session = p.arn?.includes(":assumed-role/") ? (p.arn.split("/").pop() ?? null) : null;
  const actor = anyActor(q.actor);
  const sessionIndex = actor?.sessions?.indexOf(session ?? "") ?? -1;
  const onBehalfOf = p.source === "cloudtrail" && sessionIndex >= 0 ? (actor?.identityCenterUsers?.[sessionIndex] ?? null) : null;
  return {
    event_time: timestamp(p.source === "cloudtrail" ? q.eventAt : q.submittedAt),
    account_id: q.account,
    principal_arn: p.arn,
    iam_principal_arn: p.iam,
    principal_type: typeOf(p.arn),
    session_issuer_arn: session === null ? null : p.iam,
    user_name: p.arn === null ? null : (session ?? p.arn.split("/").pop()),
    on_behalf_of: onBehalfOf,
    source_ip: q.sourceIp,
    user_agent: null,
    client_family: q.clientFamily,
    query_execution_id: q.id,
    work_group: q.workGroup,
    catalog_name: "AwsDataCatalog",
    database_name: q.database,
    referenced_tables: q.tables,
    query_text: q.text,
    statement_type: q.statementType,
    substatement_type: q.substatementType,
    state: q.state,
    error_category: q.errorCategory,
    error_type: q.errorType,
    error_message: q.errorMessage,
    data_scanned_bytes: q.bytes,
    cost_usd: q.costUsd,
    engine_execution_ms: q.engineMs,
    queue_ms: null,
    planning_ms: null,
    total_execution_ms: q.totalMs,
    result_reused: q.reused,
    submitted_at: timestamp(q.submittedAt),
    completed_at: timestamp(q.completedAt),
    engine_version: "Athena engine version 3",
    attributed: p.arn !== null,
    in_history: true,
    principal_source: p.source,
    witness_principal_arn: q.witness?.principalArn ?? null,
    witnessed_tables: q.witness?.tables ?? null,
    dt: q.eventDay,
    region: q.region,
  };
}

/** The access row of a ledger entry the audit counts and the trail recorded; the planted download's address is the ledger's. */
export function accessRow(a: AccessEntry, ledger: Pick<Ledger, "directDownload">): Record<string, unknown> {
  const d = ledger.directDownload;
  const download = d !== null && a.source === "s3" && a.day === d.day && a.principalArn === d.principalArn && a.resource === d.resource;
  // The join names an object read by the table whose location holds it (the grants snapshot's), as lake.ts `usedOutsideAthena` does.
  const table =
    a.resourceKind === "prefix" ? tableLocations(a.account).find((t) => `s3://${a.resource}`.startsWith(t.location))?.table : undefined;
  return {
    account_id: a.account,
    principal_arn: a.principalArn,
    iam_principal_arn: a.iamPrincipalArn,
    principal_type: typeOf(a.principalArn),
    engine: a.engine,
    client: download ? d.userAgent.slice(0, 200) : null,
    source: a.source,
    actions: [],
    resource_kind: table ? "table" : a.resourceKind,
    resource: table ?? a.resource,
    calls: a.calls,
    objects: a.objects,
    bytes: a.bytes,
    source_ips: download ? [d.sourceIp] : [],
    first_time: `${a.day} 00:00:00`,
    last_time: `${a.day} 23:59:59`,
    dt: a.day,
    region: a.region,
  };
}

/** Writes `rows` as the table's Parquet partitions (dt=, region=) under `folder`. */
async function writeTable(table: TableDefinition, rows: readonly Record<string, unknown>[], folder: string, scratch: string) {
  if (rows.length === 0) return;
  const file = path.join(scratch, `${table.name}.json`);
  fs.writeFileSync(file, rows.map((r) => JSON.stringify(r)).join("\n") + "\n");
  const spec = [...table.columns.map((c) => [c.name, duckType(c.type, c.json)]), ["dt", "VARCHAR"], ["region", "VARCHAR"]]
    .map(([name = "", type = ""]) => `${sqlString(name)}: ${sqlString(type)}`)
    .join(", ");
  fs.mkdirSync(path.dirname(folder), { recursive: true });
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  try {
    await connection.run(
      `COPY (SELECT * FROM read_json(${sqlString(file)}, columns = {${spec}}, format = 'newline_delimited', records = true))
       TO ${sqlString(folder)} (FORMAT PARQUET, PARTITION_BY (dt, region))`,
    );
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/** Writes the ledger's events and access tables (and each account's grants snapshot) into the lake at `root`. */
export async function writeLedgerTables(root: string, ledger: Ledger, systemTables = true): Promise<void> {
  const scratch = tempDir("ledger-rows");
  try {
    const events = ledger.queries.filter((q) => q.eventDay >= ledger.firstDay && q.eventDay <= ledger.lastDay);
    await writeTable(
      EVENTS,
      events.map((q) => eventsRow(q, systemTables)),
      path.join(root, eventsTablePrefix(DEFAULT_PREFIX)),
      scratch,
    );
    const access = ledger.access.filter((a) => a.countedByAudit && a.recorded);
    await writeTable(
      ACCESS,
      access.map((a) => accessRow(a, ledger)),
      path.join(root, accessTablePrefix(DEFAULT_PREFIX)),
      scratch,
    );
    await writeGrantsSnapshot(root, ledger.lastDay);
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

export interface LedgerLake {
  root: string;
  ledger: Ledger;
  engine: DuckDbEngine;
  dispose(): Promise<void>;
}

/** The ledger of a generated lake (no file written), its tables written from it, opened on the embedded engine. */
export async function ledgerLake(options: Omit<GenerateOptions, "lake" | "write">): Promise<LedgerLake> {
  const root = tempDir("ledger-lake");
  const ledger = generateLake({ ...options, lake: root, write: false });
  await writeLedgerTables(root, ledger);
  const engine = await DuckDbEngine.open({ root });
  return {
    root,
    ledger,
    engine,
    async dispose() {
      await engine.close();
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
}
