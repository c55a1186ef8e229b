/**
 * The principal_profiles page on hand-made events given to the saved SQL as its table: a service
 * role used from the CLI and Glue, from two networks, is shared; an Identity Center role people use
 * from the console and JDBC is not, nor a role whose second client calls on behalf of a person, nor
 * a user whose second client is the console. Every expected cell is worked out from the rows below.
 */
import * as fs from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { addDays } from "../../core/days";
import { DuckDbEngine } from "../../queries/duckdb/engine";
import { QueryResult } from "../../queries/engine";
import { DEFAULT_OPTIONS, SAVED, savedQuerySql, savedRows } from "../../queries/saved";
import { principalProfilesPage } from "../../reports/pages/principal-profiles-page";
import { DEFAULT_RENDER, PageShape } from "../../reports/pages/types";
import { cleanupAfterAll } from "../support/cleanup";
import { present } from "../support/defined";
import { tempDir } from "../support/lake";

const WINDOW = { from: "2026-03-01", to: "2026-03-07" };
const day = (n: number) => addDays(WINDOW.from, n);
const ACCOUNT = "111122223333";
const role = (name: string) => `arn:aws:iam::${ACCOUNT}:role/${name}`;
const session = (name: string, who: string) => `arn:aws:sts::${ACCOUNT}:assumed-role/${name.split("/").at(-1) ?? name}/${who}`;
const ETL = role("etl");
const ANALYST = role("aws-reserved/sso.amazonaws.com/AWSReservedSSO_Analyst_0123456789abcdef");
const BI = role("bi");
const BOB = `arn:aws:iam::${ACCOUNT}:user/bob`;
const SYNC = `arn:aws:iam::${ACCOUNT}:user/sync`;
const SCANNER = `arn:aws:iam::${ACCOUNT}:user/scanner`;

type Cell = string | boolean | null;
const COLUMNS: [string, string][] = [
  ["dt", "VARCHAR"],
  ["attributed", "BOOLEAN"],
  ["iam_principal_arn", "VARCHAR"],
  ["principal_arn", "VARCHAR"],
  ["principal_type", "VARCHAR"],
  ["on_behalf_of", "VARCHAR"],
  ["client_family", "VARCHAR"],
  ["user_agent", "VARCHAR"],
  ["source_ip", "VARCHAR"],
  ["work_group", "VARCHAR"],
  ["database_name", "VARCHAR"],
];
const text = (s: string) => `'${s.replace(/'/g, "''")}'`;
const literal = (value: Cell, type: string) =>
  `CAST(${value === null ? "NULL" : typeof value === "string" ? text(value) : String(value)} AS ${type})`;

const events: Record<string, Cell>[] = [];
function call(iam: string, caller: string, n: number, fields: Record<string, Cell>) {
  events.push({
    dt: day(n),
    attributed: true,
    iam_principal_arn: iam,
    principal_arn: caller,
    principal_type: iam.includes(":user/") ? "IAMUser" : "AssumedRole",
    on_behalf_of: null,
    work_group: "primary",
    database_name: "sales",
    ...fields,
  });
}
const cli = { client_family: "cli", user_agent: "aws-cli/2.15.0" };
const glue = { client_family: "glue", user_agent: "AWS Internal", source_ip: "glue.amazonaws.com" };
// The ETL role: deployed from two CLI hosts of one /24, run by Glue; both in the etl work group.
call(ETL, session("etl", "deploy"), 0, { ...cli, source_ip: "192.0.2.10", work_group: "etl" });
call(ETL, session("etl", "deploy"), 2, { ...cli, source_ip: "192.0.2.77", work_group: "etl" });
call(ETL, session("etl", "GlueJobRunnerSession"), 6, { ...glue, work_group: "etl" });
// Before the window, a third client: not counted.
call(ETL, session("etl", "deploy"), -1, { client_family: "jdbc", user_agent: "JDBC", source_ip: "198.18.0.1" });
// People in an Identity Center role, from the console and JDBC, from two networks: one purpose.
call(ANALYST, session(ANALYST, "alice@example.com"), 0, { client_family: "console", user_agent: "Mozilla", source_ip: "198.51.100.5" });
call(ANALYST, session(ANALYST, "bob@example.com"), 6, { client_family: "jdbc", user_agent: "JDBC", source_ip: "203.0.113.9" });
// A BI role: JDBC of its own, and QuickSight on behalf of a person (a person's sign, not a second application).
call(BI, session("bi", "app"), 0, { client_family: "jdbc", user_agent: "JDBC", source_ip: "10.1.1.4", work_group: "bi" });
call(BI, session("bi", "app"), 6, {
  client_family: "quicksight",
  user_agent: "QuickSight",
  source_ip: "quicksight.amazonaws.com",
  on_behalf_of: `arn:aws:iam::${ACCOUNT}:user/carol`,
  work_group: "bi",
});
// An IAM user at the console and from the CLI: the console is the person's; the CLI one application.
call(BOB, BOB, 0, { client_family: "console", user_agent: "Mozilla", source_ip: "198.51.100.5", database_name: "finance" });
call(BOB, BOB, 6, { ...cli, source_ip: "203.0.113.20", database_name: "finance" });
// A service user, one day only, through one SDK in two versions, from one /24 and from a value no network reads as (untrusted).
const sdk = (version: string, ip: string) => ({ client_family: "sdk", user_agent: `aws-sdk-js/${version}`, source_ip: ip });
call(SYNC, SYNC, 3, { ...sdk("3.1", "10.0.0.1"), database_name: "ads" });
call(SYNC, SYNC, 3, { ...sdk("3.2", "10.0.0.2"), database_name: "ads" });
call(SYNC, SYNC, 3, { ...sdk("3.2", "*evil*|x"), database_name: "ads" });
// A service user from eight networks: more than a cell shows.
for (let n = 1; n <= 8; n++) call(SCANNER, SCANNER, 0, { ...sdk("3.2", `10.0.${n}.1`) });
call(SCANNER, SCANNER, 6, { ...sdk("3.2", "10.0.1.2") });
// No witness named its caller: on no row.
call(SYNC, SYNC, 3, { ...sdk("3.2", "10.9.9.9"), attributed: false, iam_principal_arn: null, principal_arn: null });

const eventsSql = events
  .map((row) => `SELECT ${COLUMNS.map(([name, type]) => `${literal(row[name] ?? null, type)} AS ${name}`).join(", ")}`)
  .join(" UNION ALL ");

let engine: DuckDbEngine;
const cleanUp = cleanupAfterAll();
beforeAll(async () => {
  const root = tempDir("principal-profiles");
  cleanUp(() => fs.rmSync(root, { recursive: true, force: true }));
  engine = await DuckDbEngine.open({ root });
  cleanUp(() => engine.close());
});

async function profiles(minClientFamilies: number): Promise<{ result: QueryResult; page: PageShape }> {
  const sql = `WITH events AS (${eventsSql})\n${savedQuerySql(SAVED.principal_profiles)}`;
  const result = await engine.run(sql, SAVED.principal_profiles.parameters(WINDOW, { ...DEFAULT_OPTIONS, minClientFamilies }));
  return { result, page: principalProfilesPage(result, WINDOW, DEFAULT_RENDER, SAVED.principal_profiles) };
}

const table = (page: PageShape) => present(page.tables[0], "the profiles table");

describe("principal profiles", () => {
  it("finds the service role two applications share, and counts only service calls towards it", async () => {
    const rows = savedRows(SAVED.principal_profiles, (await profiles(DEFAULT_OPTIONS.minClientFamilies)).result);
    expect(rows.map((r) => [r.iam_principal_arn, r.kind, r.callers, r.service_client_families, r.source_networks, r.shared])).toEqual([
      [ETL, "service", 2, 2, 2, true],
      [ANALYST, "human", 2, 0, 0, false],
      [BI, "human", 1, 1, 1, false],
      [BOB, "human", 1, 1, 1, false],
      [SCANNER, "service", 1, 1, 8, false],
      [SYNC, "service", 1, 1, 2, false],
    ]);
    // The Identity Center role has no service call: its lists are null, not empty text.
    expect(rows[1]).toMatchObject({ service_client_family_list: null, source_network_list: null, user_agents: 0 });
    expect(rows[5]).toMatchObject({ client_families: "sdk", user_agents: 2, first_active_day: day(3), last_active_day: day(3) });
  });

  it("says in words who shares a principal, and escapes what the lake holds", async () => {
    const { page } = await profiles(DEFAULT_OPTIONS.minClientFamilies);
    const profilesTable = table(page);
    expect(profilesTable.headers).toEqual([
      "IAM principal",
      "Callers",
      "Kind · clients",
      "Source networks",
      "Databases (work groups)",
      "Shared by",
    ]);
    expect(profilesTable.rows).toEqual([
      [
        "etl",
        "2",
        "service role · cli, glue",
        "192.0.2.0/24, glue.amazonaws.com",
        "sales (etl)",
        "2 applications: cli, glue; 2 user agents",
      ],
      ["Analyst", "2", "human role · console, jdbc", "", "sales (primary)", ""],
      ["bi", "1", "human role · jdbc, quicksight", "10.1.1.0/24", "sales (bi)", ""],
      ["bob", "1", "human user · cli, console", "203.0.113.0/24", "finance (primary)", ""],
      // Cut at 80 characters (the 79 first and an ellipsis), with the list's length.
      [
        "scanner",
        "1",
        "service user · sdk",
        "10.0.1.0/24, 10.0.2.0/24, 10.0.3.0/24, 10.0.4.0/24, 10.0.5.0/24, 10.0.6.0/24, 1… (8 in all)",
        "sales (primary)",
        "",
      ],
      ["sync", "1", "service user · sdk", "\\*evil\\*\\|x, 10.0.0.0/24", "ads (primary)", ""],
    ]);
    expect(page.context).toEqual([
      `Unless noted below, each was active from ${day(0)} to ${day(6)}.`,
      "What each costs: [Top scanners](top_scanners.md).",
    ]);
    expect(profilesTable.notes[0]).toBe(`Active otherwise: sync from ${day(3)} to ${day(3)}.`);
  });

  it("shares nothing when the setting asks for more applications than any principal has", async () => {
    const { page } = await profiles(3);
    const profilesTable = table(page);
    expect(profilesTable.rows.map((r) => r.at(-1))).toEqual(["", "", "", "", "", ""]);
    // Without a shared principal, the most callers first, then the most clients, then the name.
    expect(profilesTable.rows.map((r) => r[0])).toEqual(["Analyst", "etl", "bi", "bob", "scanner", "sync"]);
  });
});
