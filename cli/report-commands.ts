/** `report` and `issues sync`: on the embedded engine over a lake, or on Athena in the audit's work group. */
import * as path from "node:path";
import * as core from "@actions/core";
import { Command, Option } from "commander";
import { AthenaEngine } from "../queries/athena/engine";
import { defined } from "../core/checks";
import { TbDefinition } from "../core/cost";
import { addDays, dayOf } from "../core/days";
import { DuckDbEngine } from "../queries/duckdb/engine";
import { QueryEngine } from "../queries/engine";
import { AuditError, InputError } from "../core/errors";
import { ACCOUNT_PATTERN, DEFAULT_DATABASE, DEFAULT_PREFIX, DEFAULT_WORK_GROUP } from "../core/names";
import { readAnomalySettings } from "../core/anomaly-settings";
import { DEFAULT_OPTIONS, Period, periodEnding, runSavedQuery, SAVED, SavedQuery, SavedQueryOptions } from "../queries/saved";
import { ANOMALIES, anomalySummary, DEFAULT_ALERT_DAYS, syncAnomalyIssues, toAnomaly } from "../reports/issues/anomaly-issues";
import { readFindingsFile } from "../reports/issues/findings";
import { PERMISSION_GAPS, syncPermissionGapIssues, toPermissionGap } from "../reports/issues/permission-gap-issues";
import { DEFAULT_STACK } from "../reports/issues/plan";
import { dryRunPreview } from "../reports/issues/preview";
import { ACTIONS_BOT, SyncReport } from "../reports/issues/sync";
import { codeSpan } from "../reports/channels/markdown";
import { logLine } from "../core/output/log";
import { group, inActions, jobSummary } from "./github-actions";
import { checkOutputFolder, checkReportLake } from "./checks";
import { checkLakeNames } from "../queries/lake/safety";
import {
  accountList,
  day,
  githubLogin,
  progressBar,
  webUrl,
  REPORTS_ROOT,
  stackName,
  stackReportsDir,
  tbOption,
  NUMBER_FLAGS,
  engineOption,
  EngineName,
} from "./options";
import { lakeSource, reportPeriod } from "./pipeline";

interface EngineOptions {
  engine: EngineName;
  lake?: string;
  prefix: string;
  workGroup?: string;
  database?: string;
}

function withEngineOptions(command: Command): Command {
  return command
    .addOption(engineOption())
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
      source: `Amazon Athena, work group ${codeSpan(o.workGroup)}, database ${codeSpan(o.database)}.`,
    };
  }
  if (!o.lake) throw new InputError("--engine duckdb needs --lake DIR");
  checkLakeNames({ prefix: o.prefix });
  checkReportLake({ root: o.lake, prefix: o.prefix });
  // A history line the checks skip is named on stderr, one log line each (the report still runs).
  const engine = await DuckDbEngine.open({ root: o.lake, prefix: o.prefix }, { warn: (line) => console.error(logLine(line)) });
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
    .option("--days <n>", "length of the period (1 to 3660)", NUMBER_FLAGS.days, 90)
    .option("--end <day>", "last day of the period (default: yesterday, UTC)", day)
    .option("--concurrency <n>", "queries at once (Athena; 1 to 32)", NUMBER_FLAGS.concurrency, 4)
    .option("--no-redact", "show query text as it is (by default literals are masked)")
    .addOption(tbOption())
    .option("--anomaly-settings <file>", "what the anomalies page counts as unusual, as JSON (see docs/anomalies.md)")
    .option(
      "--expected-accounts <ids>",
      "accounts whose collectors the deployment expects, comma-separated (the main stack's expectedAccounts output)",
      accountList,
      [],
    )
    .addOption(lastUsedLookbackOption())
    .addOption(grantsLookbackOption())
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
          anomalySettings?: string;
          expectedAccounts: string[];
          lastUsedLookbackDays: number;
          grantsLookbackDays: number;
        },
      ) => {
        const out = o.stack ? stackReportsDir(o.stack) : o.out;
        if (!out) throw new InputError("report needs --stack <name> (writes reports/published/<name>) or --out <dir>");
        // Checked now: a folder that cannot be written would otherwise fail after every query ran.
        checkOutputFolder(o.stack ? "--stack" : "--out", out);
        const period = periodEnding(o.end ?? yesterday(), o.days);
        // Read before the engine opens, so a wrong settings file fails before any query runs.
        const queryOptions = {
          ...DEFAULT_OPTIONS,
          anomalies: readAnomalySettings(o.anomalySettings),
          expectedAccounts: o.expectedAccounts,
          ...lookbacks(o),
        };
        const { engine, source } = await openEngine(o);
        try {
          const reports = await group(`athena-audit report ${period.from} to ${period.to}`, () =>
            reportPeriod(engine, period, out, {
              source,
              concurrency: o.engine === "athena" ? o.concurrency : 1,
              redact: o.redact,
              progress: progressBar(),
              tb: o.tb,
              queryOptions,
            }),
          );
          await jobSummary(defined(reports[0], "the index page (rendered first)").content);
          stepOutputs({ dir: out, period: `${period.from} to ${period.to}` });
          console.log(`reports written to ${path.resolve(out)} (${reports.length} pages)`);
        } finally {
          await engine.close();
        }
      },
    );

  withEngineOptions(program.command("issues").command("sync"))
    .description(
      "open, update and close one GitHub issue per principal whose Athena grants appear unused, " +
        "or (--anomalies) one per high-severity anomaly of the alert window",
    )
    .option(
      "--anomalies",
      `sync the anomaly alerts (label ${ANOMALIES.label}) instead of the permission gaps (label ${PERMISSION_GAPS.label})`,
    )
    .option("--findings <file>", "findings as JSON (instead of running the permission_gaps or, with --anomalies, the anomalies query)")
    .option("--repo <owner/repo>", "the repository (default: GITHUB_REPOSITORY)")
    .option("--days <n>", "the window (1 to 3660)", NUMBER_FLAGS.days, 90)
    .option("--end <day>", "last day of the window (default: yesterday, UTC)", day)
    .option("--max-new <n>", "new issues a run, at most (0 to 100; 0 only updates and closes)", NUMBER_FLAGS.maxNew, 5)
    .option("--stack <name>", "the stack these findings come from; only its issues are opened, updated or closed", stackName, DEFAULT_STACK)
    .option("--anomaly-settings <file>", "with --anomalies: what counts as unusual, as JSON (see docs/anomalies.md)")
    .option(
      "--alert-days <n>",
      "with --anomalies: findings of the window's last n days get an issue (at most --days)",
      NUMBER_FLAGS.alertDays,
      DEFAULT_ALERT_DAYS,
    )
    .option("--report-url <url>", "with --anomalies: the anomalies page to link (default in Actions: the stack's published page)", webUrl)
    .option(
      "--issue-author <login>",
      "the login the token opens issues as; only that account's issues are ever updated or closed",
      githubLogin,
      ACTIONS_BOT,
    )
    .option(
      "--dry-run",
      "print every issue it would open, update or close, in full, and change nothing (without GITHUB_TOKEN: offline, as if none were open)",
    )
    .addOption(lastUsedLookbackOption())
    .addOption(grantsLookbackOption())
    .action(async (o: SyncCommandOptions, command: Command) => {
      const repository = o.repo ?? fromEnv("GITHUB_REPOSITORY");
      const [, owner, name] = /^([^/]+)\/([^/]+)$/.exec(repository ?? "") ?? [];
      const token = fromEnv("GITHUB_TOKEN");
      // A dry run without a token reads no issue, so it runs offline and needs no repository.
      const offline = token === undefined && o.dryRun === true;
      if ((owner === undefined || name === undefined) && !(offline && repository === undefined))
        throw new InputError("--repo owner/repo (or GITHUB_REPOSITORY) is required");
      if (token === undefined && !offline)
        throw new InputError("GITHUB_TOKEN is required (the workflow's token, with issues: write); --dry-run previews without it");
      if (offline) console.log(logLine(OFFLINE));
      const sync = {
        owner: owner ?? "",
        repo: name ?? "",
        token,
        baseUrl: process.env.GITHUB_API_URL,
        dryRun: o.dryRun === true,
        maxNew: o.maxNew,
        stack: o.stack,
        author: o.issueAuthor,
        log: console.log,
      };
      const period = periodEnding(o.end ?? yesterday(), o.days);
      let report: SyncReport;
      const family = o.anomalies ? ANOMALIES : PERMISSION_GAPS;
      if (o.anomalies) {
        const options = { ...DEFAULT_OPTIONS, anomalies: readAnomalySettings(o.anomalySettings) };
        for (const flag of ["lastUsedLookbackDays", "grantsLookbackDays"] as const)
          if (command.getOptionValueSource(flag) === "cli")
            throw new InputError(`--${kebab(flag)} applies to the permission gaps, not --anomalies`);
        const findings = o.findings
          ? readFindingsFile(o.findings, toAnomaly)
          : await queryFindings(o, SAVED.anomalies, period, toAnomaly, options);
        const synced = await syncAnomalyIssues(findings, {
          ...sync,
          periodEnd: period.to,
          alertDays: o.alertDays,
          reportUrl: o.reportUrl ?? publishedPage(o.stack, "anomalies"),
        });
        await jobSummary(anomalySummary(synced.alerted, synced.window, o.stack));
        report = synced;
      } else {
        for (const flag of ["anomalySettings", "alertDays", "reportUrl"] as const)
          if (command.getOptionValueSource(flag) === "cli") throw new InputError(`--${kebab(flag)} needs --anomalies`);
        const options = { ...DEFAULT_OPTIONS, ...lookbacks(o) };
        const findings = o.findings
          ? readFindingsFile(o.findings, toPermissionGap)
          : await queryFindings(o, SAVED.permission_gaps, period, toPermissionGap, options);
        // Findings from the lake: an account with no grants snapshot in the window had none computed,
        // so its issues stay open (a findings file is taken as complete).
        const accountsWithoutGrants = o.findings ? [] : await queryFindings(o, SAVED.usage_by_account, period, withoutGrants, options);
        report = await syncPermissionGapIssues(findings, {
          ...sync,
          accountsWithoutGrants: accountsWithoutGrants.filter((a) => a !== undefined),
        });
      }
      if (o.dryRun) for (const line of dryRunPreview(report, family.label, o.stack, o.maxNew)) console.log(line);
      console.log(
        JSON.stringify({
          done: report.done.length,
          unchanged: report.unchanged,
          deferred: report.deferred.length,
          notDone: report.notDone.length,
        }),
      );
      const [firstNotDone] = report.notDone;
      if (firstNotDone)
        throw new AuditError(`${report.notDone.length} issue change(s) not made: ${firstNotDone.reason}; the next run will retry them`);
    });
}

/** An environment variable; empty reads as unset, as an Actions secret that does not exist is passed. */
const fromEnv = (name: string): string | undefined => (process.env[name] === "" ? undefined : process.env[name]);

const OFFLINE =
  "no GITHUB_TOKEN: planned as if the repository had no issues of this stack; with a token the dry run also shows updates and closes";

/** The saved queries' lookbacks, as `report` and `issues sync` take them. */
interface LookbackOptions {
  lastUsedLookbackDays: number;
  grantsLookbackDays: number;
}

function lastUsedLookbackOption(): Option {
  return new Option(
    "--last-used-lookback-days <n>",
    "how far back, ending on the last day, a grant unused in the period has its last use looked for (1 to 3660; see docs/settings.md)",
  )
    .argParser(NUMBER_FLAGS.lookbackDays)
    .default(DEFAULT_OPTIONS.lastUsedLookbackDays);
}

function grantsLookbackOption(): Option {
  return new Option(
    "--grants-lookback-days <n>",
    "how far before the period an account's last grants snapshot is looked for (1 to 3660; see docs/settings.md)",
  )
    .argParser(NUMBER_FLAGS.lookbackDays)
    .default(DEFAULT_OPTIONS.grantsLookbackDays);
}

const lookbacks = (o: LookbackOptions): LookbackOptions => ({
  lastUsedLookbackDays: o.lastUsedLookbackDays,
  grantsLookbackDays: o.grantsLookbackDays,
});

interface SyncCommandOptions extends EngineOptions, LookbackOptions {
  issueAuthor: string;
  anomalies?: boolean;
  findings?: string;
  repo?: string;
  days: number;
  end?: string;
  maxNew: number;
  stack: string;
  anomalySettings?: string;
  alertDays: number;
  reportUrl?: string;
  dryRun?: boolean;
}

const kebab = (name: string) => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** The stack's published page on GitHub, when running in Actions (the workflow commits it there). */
function publishedPage(stack: string, page: string): string | undefined {
  const { GITHUB_SERVER_URL: server, GITHUB_REPOSITORY: repo, GITHUB_REF_NAME: ref } = process.env;
  if (!inActions() || !server || !repo || !ref) return undefined;
  // Written as a link's destination: the URL parser's form, as --report-url is (options.ts webUrl).
  return webUrl(`${server}/${repo}/blob/${encodeURIComponent(ref)}/${path.posix.join(REPORTS_ROOT, stack, `${page}.md`)}`);
}

/** An account id of usage_by_account with no grants snapshot in the period, or undefined. */
function withoutGrants(row: Record<string, unknown>): string | undefined {
  return row.grants_day === null && typeof row.account_id === "string" && ACCOUNT_PATTERN.test(row.account_id) ? row.account_id : undefined;
}

/** Findings from a saved query over the window, each row checked. */

async function queryFindings<F>(
  o: EngineOptions,
  query: SavedQuery,
  period: Period,
  to: (row: Record<string, unknown>, where: string) => F,
  options: SavedQueryOptions,
): Promise<F[]> {
  const { engine } = await openEngine(o);
  try {
    const result = await runSavedQuery(engine, query, period, options);
    return result.rows.map((row, i) => to(row, `${query.name} row ${i + 1}`));
  } finally {
    await engine.close();
  }
}
