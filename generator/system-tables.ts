/**
 * Athena's system table for the generated org: the main account enables it part-way through the
 * period (the marketing account never does, so its queries have no witness), and from then on
 * Athena writes a `query_executions` row for every finished query, whatever CloudTrail delivered, so
 * the CloudTrail outages after that day are witnessed. Two disagreements are planted and listed in
 * the ledger: one query where the table names another principal than CloudTrail, and one where it
 * lists a table the SQL parser did not find (what a view expands to).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as zlib from "node:zlib";
import { defined } from "../core/checks";
import { systemTableObjectKey } from "../core/layout";
import { QUERY_EXECUTIONS } from "../queries/schema/system-tables";
import { accountOf, ACTORS, callerArn, roleArn } from "./org";
import { tableParts } from "./sql";
import { anyActor } from "./planted-actors";

/** What the system table holds for one query. */
export interface Witness {
  principalArn: string;
  /** The IAM user or role behind the principal, as the join should resolve it. */
  iamPrincipalArn: string;
  /** `database.table`, lower-case. */
  tables: string[];
}

export interface PlantedDisagreement {
  id: string;
  kind: "principal" | "tables";
  /** The principal or table the system table has and CloudTrail or the parser does not. */
  witnessed: string;
}

/** What a query needs to be witnessed (a subset of the ledger entry). */
export interface WitnessedQuery {
  id: string;
  /** The account whose Athena ran it. */
  account: string;
  region: string;
  actor: string;
  workGroup: string;
  database: string;
  tables: string[];
  text: string;
  submittedAt: string;
  historyDay: string;
  attributed: boolean;
  witness: Witness | null;
}

/** The day Athena's system tables are switched on: a little past the middle of the period. */
export function systemTablesFrom(calendar: readonly string[]): string {
  return defined(calendar[Math.floor(calendar.length * 0.55)], "the day system tables start (the calendar is empty)");
}

export function witnessOf(actorKey: string, session: string | undefined, tables: readonly string[]): Witness {
  const actor = anyActor(actorKey);
  if (!actor) throw new Error(`unknown actor ${actorKey}`);
  return { principalArn: callerArn(actor, session), iamPrincipalArn: roleArn(actor), tables: tables.map((t) => t.toLowerCase()) };
}

/**
 * Plants the two disagreements in queries CloudTrail attributed (so they change no one's usage):
 * the first witnessed query of a service names another actor; the first witnessed query of a person
 * that read one table also lists another table that person reads elsewhere.
 */
export function plantDisagreements(queries: WitnessedQuery[]): PlantedDisagreement[] {
  const witnessed = queries.filter((q) => q.attributed && q.witness).sort((a, b) => a.submittedAt.localeCompare(b.submittedAt));
  const planted: PlantedDisagreement[] = [];
  const service = witnessed.find((q) => ACTORS.find((a) => a.key === q.actor)?.human === false);
  const stranger = ACTORS.find((a) => a.key !== service?.actor && a.type === "IAMUser" && accountOf(a) === service?.account);
  if (service?.witness && stranger) {
    const principalArn = callerArn(stranger, undefined);
    service.witness = { ...service.witness, principalArn, iamPrincipalArn: roleArn(stranger) };
    planted.push({ id: service.id, kind: "principal", witnessed: principalArn });
  }
  for (const q of witnessed) {
    const [table, ...more] = q.tables;
    if (q.witness === null || table === undefined || more.length > 0 || ACTORS.find((a) => a.key === q.actor)?.human !== true) continue;
    const other = queries.find((o) => o.actor === q.actor && o.tables.length > 0 && !o.tables.includes(table))?.tables[0];
    if (!other) continue;
    q.witness = { ...q.witness, tables: [...q.witness.tables, other.toLowerCase()] };
    planted.push({ id: q.id, kind: "tables", witnessed: other.toLowerCase() });
    break;
  }
  return planted;
}

/** Writes `accountId`'s witnessed queries as the table's rows, a file per (day of submission, region). */
export function writeSystemTable(lake: string, queries: readonly WitnessedQuery[], accountId: string, write = true): number {
  const files = new Map<string, string[]>();
  for (const q of queries) {
    if (!q.witness || q.account !== accountId) continue;
    const row = {
      query_execution_id: q.id,
      work_group_name: q.workGroup,
      account_id: accountId,
      region_name: q.region,
      query_string: q.text,
      execution_parameters: null,
      principal_arn: q.witness.principalArn,
      catalog_name: "AwsDataCatalog",
      database_name: q.database,
      submission_date_time: q.submittedAt,
      tables_accessed: q.witness.tables.map((t) => {
        const { database, name } = tableParts(t);
        return { catalog_name: "awsdatacatalog", database_name: database, table_name: name };
      }),
    };
    const key = systemTableObjectKey(QUERY_EXECUTIONS, q.historyDay, `part-${q.region}`);
    const lines = files.get(key) ?? [];
    lines.push(JSON.stringify(row));
    files.set(key, lines);
  }
  for (const [key, lines] of [...files.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    if (!write) continue;
    const file = path.join(lake, key);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, zlib.gzipSync(lines.join("\n") + "\n", { level: 6 }));
  }
  return files.size;
}
