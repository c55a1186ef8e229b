/**
 * Applies an issue plan on GitHub with the workflow token (Octokit from @actions/github). Server
 * errors are retried; a rate limit stops the run and reports what was done and what was not, so
 * nothing is lost: the fingerprints let the next run pick up where this one stopped.
 */
import * as github from "@actions/github";
import * as retryPlugin from "@octokit/plugin-retry";
import { logLine, logValue } from "../../core/output/log";
import { Action, DEFAULT_STACK, IssueFamily, Marker, OpenIssue, planIssues, WantedIssue } from "./plan";

/** Whose issues the sync owns by default: the login GitHub gives the workflow's GITHUB_TOKEN. */
export const ACTIONS_BOT = "github-actions[bot]";

export interface SyncOptions {
  owner: string;
  repo: string;
  /**
   * The token the sync reads and writes with. Without one only a dry run is possible, and it plans as
   * if no issue of the family were open: GitHub is never asked.
   */
  token?: string;
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

export interface SyncReport {
  planned: Action[];
  done: Action[];
  notDone: { action: Action; reason: string }[];
  unchanged: number;
  deferred: string[];
  /** Issues left open for want of evidence (a family's `keepOpen`). */
  keptOpen: number[];
}

type Octokit = ReturnType<typeof github.getOctokit>;

/** The open issues the author opened under the family's label or a former one, each once. */
async function openIssues(octokit: Octokit, owner: string, repo: string, family: IssueFamily, author: string): Promise<OpenIssue[]> {
  const found = new Map<number, OpenIssue>();
  for (const label of [family.label, ...family.formerLabels]) {
    const issues = await octokit.paginate(octokit.rest.issues.listForRepo, { owner, repo, state: "open", labels: label, per_page: 100 });
    for (const i of issues) {
      if (i.pull_request || i.user?.login !== author || found.has(i.number)) continue;
      const labels = i.labels.map((l) => (typeof l === "string" ? l : (l.name ?? "")));
      found.set(i.number, { number: i.number, title: i.title, body: i.body ?? "", labels });
    }
  }
  return [...found.values()];
}

async function apply(octokit: Octokit, owner: string, repo: string, label: string, action: Action): Promise<void> {
  switch (action.kind) {
    case "relabel":
      if (action.add !== undefined) await octokit.rest.issues.addLabels({ owner, repo, issue_number: action.number, labels: [action.add] });
      for (const name of action.remove) await octokit.rest.issues.removeLabel({ owner, repo, issue_number: action.number, name });
      return;
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
  if (action.kind === "relabel") return `relabel #${action.number} (${[...action.remove, "→", action.add ?? "kept"].join(" ")})`;
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

/**
 * Makes the family's open issues of `options.stack` match `wanted` on GitHub: relabels those under a
 * former label, opens, updates, and closes with `closingComment`, at most `maxNew` new ones; a dry
 * run only logs (and returns the plan, which preview.ts prints in full).
 */
export async function syncFamily(
  family: IssueFamily,
  wanted: readonly WantedIssue[],
  closingComment: (issue: OpenIssue, marker: Marker) => string,
  options: SyncOptions,
  keepOpen?: (marker: Marker) => string | undefined,
): Promise<SyncReport> {
  if (options.token === undefined && !options.dryRun) throw new Error("an issue sync that changes issues needs a token");
  const octokit =
    options.token === undefined
      ? undefined
      : github.getOctokit(
          options.token,
          // Server errors are retried; a rate limit (403/429) is not: waiting it out would outlast the job.
          {
            baseUrl: options.baseUrl,
            retry: { retryAfterBaseValue: options.retryBaseMs ?? 1000, doNotRetry: [400, 401, 403, 404, 410, 422, 429, 451] },
          },
          retryPlugin.retry,
        );
  const open = octokit ? await openIssues(octokit, options.owner, options.repo, family, options.author ?? ACTIONS_BOT) : [];
  const plan = planIssues(family, wanted, open, {
    maxNew: options.maxNew,
    stack: options.stack ?? DEFAULT_STACK,
    closingComment,
    keepOpen,
  });
  const report: SyncReport = {
    planned: plan.actions,
    done: [],
    notDone: [],
    unchanged: plan.unchanged,
    deferred: plan.deferred,
    keptOpen: plan.keptOpen.map((k) => k.number),
  };
  const log = (line: string) => options.log(logLine(line));
  for (const k of plan.keptOpen) log(`kept #${k.number} open: ${k.reason}`);
  for (const key of plan.deferred) log(`deferred (cap of ${options.maxNew} new issues a run): ${logValue(key, 300)}`);
  let stop: string | undefined;
  for (const action of plan.actions) {
    if (options.dryRun || octokit === undefined) {
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
