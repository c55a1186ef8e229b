/**
 * The history collector: every work group's finished executions for the requested days, written
 * to the history table's contract, one object per (region, dt, work group).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as athena from "@aws-sdk/client-athena";
import * as s3 from "@aws-sdk/client-s3";
import { dayOf } from "../../core/days";
import { AuditError } from "../../core/errors";
import { historyDay, toHistoryLine } from "../../core/history-record";
import { historyDayPrefix, historyObjectKey } from "../../core/layout";
import { mapLimit } from "../../core/concurrency";
import { listKeys } from "../runtime/s3";
import { HistoryCollectorConfig } from "../runtime/config";
import { Logger } from "../runtime/log";
import { CollectRequest } from "./input";
import { queryReferences } from "./references";
import { DEFAULT_QUIET_PAGES, DEFAULT_SLACK_MS, PagingWindow } from "./window";
import { HistoryObjectWriter } from "./writer";

const FINISHED = new Set(["SUCCEEDED", "FAILED", "CANCELLED"]);
const BATCH = 50;
const UNPROCESSED_ATTEMPTS = 8;

export interface CollectDeps {
  athena: athena.AthenaClient;
  s3: s3.S3Client;
  config: HistoryCollectorConfig;
  log: Logger;
  now?: Date;
  /** Called after each work group, for a progress bar. */
  onWorkGroup?: (name: string, done: number, total: number) => void;
}

export interface WorkGroupSummary {
  name: string;
  pages: number;
  executions: number;
  /** Records written per day. */
  days: Record<string, number>;
  skipped: { unfinished: number; outsideWindow: number; unreadable: number };
}

export interface CollectSummary {
  region: string;
  from: string;
  to: string;
  workGroups: WorkGroupSummary[];
  skippedWorkGroups: string[];
  recordsPerDay: Record<string, number>;
  apiCalls: Record<string, number>;
  objectsWritten: number;
  objectsUnchanged: number;
}

type Calls = Record<string, number>;
const count = (calls: Calls, name: string) => (calls[name] = (calls[name] ?? 0) + 1);
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function listWorkGroups(client: athena.AthenaClient, calls: Calls): Promise<string[]> {
  const names: string[] = [];
  for await (const page of athena.paginateListWorkGroups({ client }, {})) {
    count(calls, "ListWorkGroups");
    for (const wg of page.WorkGroups ?? []) if (wg.Name) names.push(wg.Name);
  }
  return names.sort();
}

/** Executions for `ids`, in the same order, retrying what Athena leaves unprocessed. */
async function batchGet(client: athena.AthenaClient, ids: readonly string[], calls: Calls): Promise<athena.QueryExecution[]> {
  const found = new Map<string, athena.QueryExecution>();
  let pending = [...ids];
  for (let attempt = 0; pending.length > 0; attempt++) {
    if (attempt === UNPROCESSED_ATTEMPTS) {
      throw new AuditError(
        `Athena left ${pending.length} execution(s) unprocessed after ${attempt} attempts, among them ${pending.slice(0, 3).join(", ")}`,
      );
    }
    if (attempt > 0) await sleep(Math.min(100 * 2 ** attempt, 3_000));
    const next: string[] = [];
    for (let i = 0; i < pending.length; i += BATCH) {
      count(calls, "BatchGetQueryExecution");
      const answer = await client.send(new athena.BatchGetQueryExecutionCommand({ QueryExecutionIds: pending.slice(i, i + BATCH) }));
      for (const e of answer.QueryExecutions ?? []) if (e.QueryExecutionId) found.set(e.QueryExecutionId, e);
      for (const u of answer.UnprocessedQueryExecutionIds ?? []) if (u.QueryExecutionId) next.push(u.QueryExecutionId);
    }
    pending = next;
  }
  return ids.map((id) => found.get(id)).filter((e): e is athena.QueryExecution => e !== undefined);
}

/** The history keys already written for a day, listed once per day and shared by the work groups. */
type ExistingKeys = (dt: string) => Promise<Set<string>>;

function existingKeysLister(deps: CollectDeps, region: string, calls: Calls): ExistingKeys {
  const days = new Map<string, Promise<Set<string>>>();
  return (dt) => {
    let keys = days.get(dt);
    if (!keys) {
      count(calls, "ListObjectsV2");
      keys = listKeys(deps.s3, deps.config.bucket, historyDayPrefix({ account: deps.config.account, region, dt }, deps.config.prefix)).then(
        (list) => new Set(list),
      );
      days.set(dt, keys);
    }
    return keys;
  };
}

async function collectWorkGroup(
  name: string,
  region: string,
  request: CollectRequest,
  deps: CollectDeps & { now: Date; existingKeys: ExistingKeys },
  scratch: string,
  calls: Calls,
): Promise<{ summary: WorkGroupSummary; outcomes: string[] }> {
  const days = new Set(request.days);
  const window = new PagingWindow({
    start: Date.parse(`${request.from}T00:00:00Z`),
    slackMs: DEFAULT_SLACK_MS,
    quietPages: DEFAULT_QUIET_PAGES,
  });
  const writers = new Map<string, Promise<HistoryObjectWriter>>();
  const summary: WorkGroupSummary = {
    name,
    pages: 0,
    executions: 0,
    days: {},
    skipped: { unfinished: 0, outsideWindow: 0, unreadable: 0 },
  };
  const writerFor = (dt: string) => {
    let writer = writers.get(dt);
    if (!writer) {
      const key = historyObjectKey({ account: deps.config.account, region, dt, workGroup: name }, deps.config.prefix);
      writer = deps.existingKeys(dt).then((keys) => {
        if (keys.has(key)) count(calls, "HeadObject");
        return HistoryObjectWriter.open(deps.s3, deps.config.bucket, key, scratch, deps.now, keys.has(key));
      });
      writers.set(dt, writer);
    }
    return writer;
  };
  try {
    for await (const page of athena.paginateListQueryExecutions({ client: deps.athena, pageSize: BATCH }, { WorkGroup: name })) {
      count(calls, "ListQueryExecutions");
      summary.pages++;
      const executions = await batchGet(deps.athena, page.QueryExecutionIds ?? [], calls);
      const submissions: number[] = [];
      for (const execution of executions) {
        summary.executions++;
        const submitted = execution.Status?.SubmissionDateTime;
        if (submitted) submissions.push(new Date(submitted).getTime());
        if (!FINISHED.has(execution.Status?.State ?? "")) {
          summary.skipped.unfinished++;
          continue;
        }
        if (!submitted || !days.has(dayOf(submitted))) {
          summary.skipped.outsideWindow++;
          continue;
        }
        const writer = await writerFor(dayOf(submitted));
        try {
          const refs = queryReferences(execution.Query, execution.QueryExecutionContext?.Database);
          const line = toHistoryLine(execution as Record<string, unknown>, {
            Region: region,
            CollectedAt: writer.collectedAt,
            Source: "collector",
            ReferencedTables: refs.tables,
            ReferencedDatabases: refs.databases,
            ...(refs.parseError ? { ParseError: refs.parseError } : {}),
          });
          // toHistoryLine has made the submission time ISO-8601 text, so it sorts as text.
          const submittedAt = typeof line.Status?.SubmissionDateTime === "string" ? line.Status.SubmissionDateTime : "";
          writer.write(JSON.stringify(line), `${submittedAt}\u0000${line.QueryExecutionId}`);
          summary.days[historyDay(line)] = (summary.days[historyDay(line)] ?? 0) + 1;
        } catch (error) {
          summary.skipped.unreadable++;
          deps.log.error("unreadable-execution", {
            workGroup: name,
            queryExecutionId: execution.QueryExecutionId,
            reason: (error as Error).message,
          });
        }
      }
      if (window.pageSeen(submissions)) break;
    }
  } catch (error) {
    for (const writer of writers.values())
      await writer.then(
        (w) => w.abandon(),
        () => undefined,
      );
    throw error;
  }
  const outcomes: string[] = [];
  for (const [, writer] of [...writers].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const outcome = await (await writer).finish(request.force);
    if (outcome === "written") count(calls, "PutObject");
    outcomes.push(outcome);
  }
  deps.log.info("work-group", {
    workGroup: name,
    pages: summary.pages,
    executions: summary.executions,
    days: summary.days,
    skipped: summary.skipped,
  });
  return { summary, outcomes };
}

export async function collectHistory(request: CollectRequest, deps: CollectDeps): Promise<CollectSummary> {
  const now = deps.now ?? new Date();
  const region = await deps.athena.config.region();
  const calls: Calls = {};
  const all = await listWorkGroups(deps.athena, calls);
  const own = deps.config.skipOwnWorkGroup ? deps.config.auditWorkGroup : undefined;
  const wanted = all.filter((w) => (!request.workGroups || request.workGroups.includes(w)) && w !== own);
  const missing = (request.workGroups ?? []).filter((w) => !all.includes(w));
  if (missing.length > 0) deps.log.error("unknown-work-groups", { workGroups: missing });
  deps.log.info("start", { region, from: request.from, to: request.to, workGroups: wanted.length });
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "athena-audit-history-"));
  const existingKeys = existingKeysLister(deps, region, calls);
  let done = 0;
  try {
    const results = await mapLimit(wanted, deps.config.workGroupConcurrency, async (name) => {
      const result = await collectWorkGroup(name, region, request, { ...deps, now, existingKeys }, scratch, calls);
      deps.onWorkGroup?.(name, ++done, wanted.length);
      return result;
    });
    const recordsPerDay: Record<string, number> = {};
    for (const { summary } of results) {
      for (const [dt, n] of Object.entries(summary.days)) recordsPerDay[dt] = (recordsPerDay[dt] ?? 0) + n;
    }
    const outcomes = results.flatMap((r) => r.outcomes);
    const summary: CollectSummary = {
      region,
      from: request.from,
      to: request.to,
      workGroups: results.map((r) => r.summary),
      skippedWorkGroups: all.filter((w) => !wanted.includes(w)),
      recordsPerDay,
      apiCalls: calls,
      objectsWritten: outcomes.filter((o) => o === "written").length,
      objectsUnchanged: outcomes.filter((o) => o === "unchanged").length,
    };
    deps.log.info("done", { ...summary, workGroups: undefined });
    return summary;
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}
