/** `report` and `issues sync`: on the embedded engine over a lake, or on Athena in the audit's work group. */
import * as fs from "node:fs";
import * as path from "node:path";
import * as core from "@actions/core";
import { Command, Option } from "commander";
import { AthenaEngine } from "../queries/athena/engine";
import { TbDefinition } from "../queries/cost";
import { addDays, dayOf } from "../queries/days";
import { DuckDbEngine } from "../queries/duckdb/engine";
import { QueryEngine } from "../queries/engine";
import { AuditError, InputError } from "../queries/errors";
import { DEFAULT_DATABASE, DEFAULT_PREFIX, DEFAULT_WORK_GROUP } from "../queries/names";
import { periodEnding, runSavedQuery, SAVED_QUERIES } from "../queries/saved";
import { PermissionGap, toPermissionGap } from "../reports/issues/findings";
import { DEFAULT_STACK } from "../reports/issues/plan";
import { syncIssues } from "../reports/issues/sync";
import { group, inActions, jobSummary } from "./actions";
import { day, progressBar, stackName, stackReportsDir, tbOption, wholeNumber } from "./options";
import { lakeSource, reportPeriod } from "./pipeline";

interface EngineOptions {
  engine: "duckdb" | "athena";
  lake?: string;
  prefix: string;
  workGroup?: string;
  database?: string;
}

function withEngineOptions(command: Command): Command {
  return command
    .addOption(new Option("--engine <engine>", "where the queries run").choices(["duckdb", "athena"]).default("duckdb"))
    .option("--lake <dir>", "the lake folder (embedded engine)")
    .option("--prefix <prefix>", "key prefix of the audit's tables (embedded engine)", DEFAULT_PREFIX)
    .option("--work-group <name>", "the audit's work group (Athena)", DEFAULT_WORK_GROUP)
    .option("--database <name>", "the audit's Glue database (Athena)", DEFAULT_DATABASE);
}

async function openEngine(o: EngineOptions): Promise<{ engine: QueryEngine; source: string }> {
  if (o.engine === "athena") {
    if (!o.workGroup || !o.database) throw new InputError("--engine athena needs --work-group and --database");
    return {
      engine: new AthenaEngine({ workGroup: o.workGroup, database: o.database }),
      source: `Amazon Athena, work group \`${o.workGroup}\`, database \`${o.database}\`.`,
    };
  }
  if (!o.lake) throw new InputError("--engine duckdb needs --lake DIR");
  const engine = await DuckDbEngine.open({ root: o.lake, prefix: o.prefix });
  return { engine, source: lakeSource(engine) };
}

const yesterday = () => addDays(dayOf(new Date()), -1);

/** Step outputs for the workflow's later steps, so they use the folder this command checked. */
function stepOutputs(outputs: Record<string, string>): void {
  if (!inActions() || !process.env.GITHUB_OUTPUT) return;
  for (const [name, value] of Object.entries(outputs)) core.setOutput(name, value);
}

export function registerReportCommands(program: Command): void {
  withEngineOptions(program.command("report"))
    .description(
      "run the saved queries and render Markdown reports into reports/published/<stack> or --out (index plus one page per query)",
    )
    .addOption(
      new Option("--stack <name>", "render into reports/published/<name>; the name must stay one folder there")
        .argParser(stackName)
        .conflicts("out"),
    )
    .option("--out <dir>", "where the reports go, any folder (instead of --stack)")
    .option("--days <n>", "length of the period", wholeNumber, 90)
    .option("--end <day>", "last day of the period (default: yesterday, UTC)", day)
    .option("--concurrency <n>", "queries at once (Athena)", wholeNumber, 4)
    .option("--no-redact", "show query text as it is (by default literals are masked)")
    .addOption(tbOption())
    .action(
      async (
        o: EngineOptions & {
          stack?: string;
          out?: string;
          days: number;
          end?: string;
          concurrency: number;
          redact: boolean;
          tb: TbDefinition;
        },
      ) => {
        const out = o.stack ? stackReportsDir(o.stack) : o.out;
        if (!out) throw new InputError("report needs --stack <name> (writes reports/published/<name>) or --out <dir>");
        const period = periodEnding(o.end ?? yesterday(), o.days);
        const { engine, source } = await openEngine(o);
        try {
          const reports = await group(`athena-audit report ${period.from} to ${period.to}`, () =>
            reportPeriod(engine, period, out, {
              source,
              concurrency: o.engine === "athena" ? o.concurrency : 1,
              redact: o.redact,
              progress: progressBar(),
              tb: o.tb,
            }),
          );
          await jobSummary(reports[0].content);
          stepOutputs({ dir: out, period: `${period.from} to ${period.to}` });
          console.log(`reports written to ${path.resolve(out)} (${reports.length} pages)`);
        } finally {
          await engine.close();
        }
      },
    );

  withEngineOptions(program.command("issues").command("sync"))
    .description("open, update and close one GitHub issue per principal whose Athena grants appear unused")
    .option("--findings <file>", "permission-gap findings as JSON (instead of running the permission_gaps query)")
    .option("--repo <owner/repo>", "the repository (default: GITHUB_REPOSITORY)")
    .option("--days <n>", "the window", wholeNumber, 90)
    .option("--max-new <n>", "new issues a run, at most", wholeNumber, 5)
    .option("--stack <name>", "the stack these findings come from; only its issues are opened, updated or closed", stackName, DEFAULT_STACK)
    .option("--dry-run", "print what it would do, change nothing")
    .action(
      async (o: EngineOptions & { findings?: string; repo?: string; days: number; maxNew: number; stack: string; dryRun?: boolean }) => {
        const repo = o.repo ?? process.env.GITHUB_REPOSITORY;
        if (!repo || !/^[^/]+\/[^/]+$/.test(repo)) throw new InputError("--repo owner/repo (or GITHUB_REPOSITORY) is required");
        const token = process.env.GITHUB_TOKEN;
        if (!token) throw new InputError("GITHUB_TOKEN is required (the workflow's token, with issues: write)");
        const findings = o.findings ? readFindings(o.findings) : await queryFindings(o, o.days);
        if (!findings) {
          console.log("no permission_gaps query in this version: nothing to sync");
          return;
        }
        const [owner, name] = repo.split("/");
        const report = await syncIssues(findings, {
          owner,
          repo: name,
          token,
          baseUrl: process.env.GITHUB_API_URL,
          dryRun: o.dryRun === true,
          maxNew: o.maxNew,
          stack: o.stack,
          log: console.log,
        });
        console.log(
          JSON.stringify({
            done: report.done.length,
            unchanged: report.unchanged,
            deferred: report.deferred.length,
            notDone: report.notDone.length,
          }),
        );
        if (report.notDone.length > 0)
          throw new AuditError(
            `${report.notDone.length} issue change(s) not made: ${report.notDone[0].reason}; the next run will retry them`,
          );
      },
    );
}

function readFindings(file: string): PermissionGap[] {
  const rows = JSON.parse(fs.readFileSync(file, "utf8")) as unknown;
  if (!Array.isArray(rows)) throw new InputError(`${file}: expected a JSON array of findings`);
  return rows.map((row, i) => toPermissionGap(row as Record<string, unknown>, `${file}[${i}]`));
}

/** Findings from the saved permission_gaps query, or undefined while that query does not exist. */
async function queryFindings(o: EngineOptions, days: number): Promise<PermissionGap[] | undefined> {
  const query = SAVED_QUERIES.find((q) => q.name === "permission_gaps");
  if (!query) return undefined;
  const { engine } = await openEngine(o);
  try {
    const result = await runSavedQuery(engine, query, periodEnding(yesterday(), days));
    return result.rows.map((row, i) => toPermissionGap(row, `permission_gaps row ${i + 1}`));
  } finally {
    await engine.close();
  }
}
