/**
 * Applies an issue plan on GitHub with the workflow token (Octokit from @actions/github). Server
 * errors are retried; a rate limit stops the run and reports what was done and what was not, so
 * nothing is lost: the fingerprints let the next run pick up where this one stopped.
 */
import * as github from "@actions/github";
import * as retryPlugin from "@octokit/plugin-retry";
import { byPrincipal, PermissionGap } from "./findings";
import {
  Action,
  checkStack,
  DEFAULT_STACK,
  fingerprint,
  LABEL,
  marker,
  Marker,
  markerOf,
  OpenIssue,
  planIssues,
  WantedIssue,
} from "./plan";
import { logLine, logValue } from "../../core/output/log";
import { issueName, renderIssue } from "./render";

/** Whose issues the sync owns by default: the login GitHub gives the workflow's GITHUB_TOKEN. */
export const ACTIONS_BOT = "github-actions[bot]";

export interface SyncOptions {
  owner: string;
  repo: string;
  token: string;
  /** GitHub's API URL (GITHUB_API_URL in Actions). */
  baseUrl?: string;
  dryRun: boolean;
  maxNew: number;
  /** The stack the findings come from (default `main`): only its issues are touched. */
  stack?: string;
  /**
   * The login the sync's token opens issues as (default `github-actions[bot]`): an issue anyone else
   * opened is never adopted, rewritten or closed, whatever marker its body carries.
   */
  author?: string;
  log: (line: string) => void;
  /** First back-off for retried server errors, in ms. */
  retryBaseMs?: number;
}

export interface PermissionSyncOptions extends SyncOptions {
  /**
   * Accounts with no grants snapshot in the window: their principals' findings were not computed, so
   * their issues stay open (an issue whose marker names no account stays open while any is listed).
   */
  accountsWithoutGrants?: readonly string[];
}

export interface SyncReport {
  planned: Action[];
  done: Action[];
  notDone: { action: Action; reason: string }[];
  unchanged: number;
  deferred: string[];
  /** Issues left open for want of evidence (PermissionSyncOptions.accountsWithoutGrants). */
  keptOpen: number[];
}

type Octokit = ReturnType<typeof github.getOctokit>;

/** A family of findings: its label, and how its issues' markers read (see plan.ts). */
export interface IssueFamily {
  label: string;
  readMarker: (body: string) => Marker | undefined;
}

export const PERMISSION_GAPS: IssueFamily = { label: LABEL, readMarker: markerOf };

async function openIssues(octokit: Octokit, owner: string, repo: string, label: string, author: string): Promise<OpenIssue[]> {
  const issues = await octokit.paginate(octokit.rest.issues.listForRepo, { owner, repo, state: "open", labels: label, per_page: 100 });
  return issues
    .filter((i) => !i.pull_request && i.user?.login === author)
    .map((i) => ({ number: i.number, title: i.title, body: i.body ?? "" }));
}

async function apply(octokit: Octokit, owner: string, repo: string, label: string, action: Action): Promise<void> {
  switch (action.kind) {
    case "create":
      await octokit.rest.issues.create({ owner, repo, title: action.title, body: action.body, labels: [label] });
      return;
    case "update":
      await octokit.rest.issues.update({ owner, repo, issue_number: action.number, title: action.title, body: action.body });
      return;
    case "close":
      await octokit.rest.issues.createComment({ owner, repo, issue_number: action.number, body: action.comment });
      await octokit.rest.issues.update({ owner, repo, issue_number: action.number, state: "closed", state_reason: "completed" });
  }
}

/** The action for the log: titles are the data's text, quoted as log values. */
function describe(action: Action): string {
  return action.kind === "create"
    ? `open ${logValue(action.title, 300)}`
    : action.kind === "update"
      ? `update #${action.number} ${logValue(action.title, 300)}`
      : `close #${action.number}`;
}

function rateLimited(error: unknown): string | undefined {
  const e = error as { status?: number; response?: { headers?: Record<string, string> } };
  const headers = e.response?.headers ?? {};
  if (e.status === 429 || (e.status === 403 && headers["x-ratelimit-remaining"] === "0")) {
    const reset = Number(headers["x-ratelimit-reset"]);
    return `GitHub rate limit reached${Number.isFinite(reset) ? ` (resets ${new Date(reset * 1000).toISOString()})` : ""}`;
  }
  return undefined;
}

/** Unused permissions: one issue per principal whose grants appear unused. */
export async function syncIssues(findings: readonly PermissionGap[], options: PermissionSyncOptions): Promise<SyncReport> {
  const stack = options.stack ?? DEFAULT_STACK;
  checkStack(stack);
  const principals = byPrincipal(findings);
  const arnsNamed = new Map<string, number>();
  for (const arn of principals.keys()) arnsNamed.set(issueName(arn), (arnsNamed.get(issueName(arn)) ?? 0) + 1);
  const wanted: WantedIssue[] = [...principals].map(([principalArn, gaps]) => ({
    fingerprint: fingerprint(principalArn),
    key: principalArn,
    ...renderIssue(principalArn, gaps, stack, (arnsNamed.get(issueName(principalArn)) ?? 0) > 1),
    marker: marker(fingerprint(principalArn), stack, principalArn.split(":")[4]),
  }));
  const window = findings[0] ? `${findings[0].windowFrom} to ${findings[0].windowTo}` : "the latest window";
  const missing = new Set(options.accountsWithoutGrants ?? []);
  const keepOpen = (m: Marker) => missing.size > 0 && (m.account === undefined || missing.has(m.account));
  return syncFamily(
    PERMISSION_GAPS,
    wanted,
    () => `These grants were used again, or are no longer held, in ${window}. Closing.`,
    options,
    keepOpen,
  );
}

/**
 * Makes the family's open issues of `options.stack` match `wanted` on GitHub: opens, updates, and
 * closes with `closingComment`, at most `maxNew` new ones; a dry run only logs.
 */
export async function syncFamily(
  family: IssueFamily,
  wanted: readonly WantedIssue[],
  closingComment: (issue: OpenIssue, marker: Marker) => string,
  options: SyncOptions,
  keepOpen?: (marker: Marker) => boolean,
): Promise<SyncReport> {
  const octokit = github.getOctokit(
    options.token,
    // Server errors are retried; a rate limit (403/429) is not: waiting it out would outlast the job.
    {
      baseUrl: options.baseUrl,
      retry: { retryAfterBaseValue: options.retryBaseMs ?? 1000, doNotRetry: [400, 401, 403, 404, 410, 422, 429, 451] },
    },
    retryPlugin.retry,
  );
  const plan = planIssues(
    wanted,
    await openIssues(octokit, options.owner, options.repo, family.label, options.author ?? ACTIONS_BOT),
    family.readMarker,
    options.maxNew,
    closingComment,
    options.stack ?? DEFAULT_STACK,
    keepOpen,
  );
  const report: SyncReport = {
    planned: plan.actions,
    done: [],
    notDone: [],
    unchanged: plan.unchanged,
    deferred: plan.deferred,
    keptOpen: plan.keptOpen,
  };
  const log = (line: string) => options.log(logLine(line));
  for (const n of plan.keptOpen) log(`kept #${n} open: its account has no grants snapshot in the window, so its grants were not judged`);
  for (const key of plan.deferred) log(`deferred (cap of ${options.maxNew} new issues a run): ${logValue(key, 300)}`);
  let stop: string | undefined;
  for (const action of plan.actions) {
    if (options.dryRun) {
      log(`would ${describe(action)}`);
      continue;
    }
    if (stop) {
      report.notDone.push({ action, reason: stop });
      continue;
    }
    try {
      await apply(octokit, options.owner, options.repo, family.label, action);
      report.done.push(action);
      log(describe(action));
    } catch (error) {
      stop = rateLimited(error);
      const reason = stop ?? (error as Error).message;
      report.notDone.push({ action, reason });
      log(`could not ${describe(action)}: ${logValue(reason, 300)}`);
    }
  }
  return report;
}
