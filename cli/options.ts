/** Option parsers and the progress bar the commands share. */
import * as path from "node:path";
import { Command, InvalidArgumentError, Option } from "commander";
import * as cliProgress from "cli-progress";
import { DEFAULT_TB, TB_DEFINITION_NAMES } from "../core/cost";
import { parseDay } from "../core/days";
import { ACCOUNT_PATTERN } from "../core/names";
import { HISTORY_DAYS_KEPT } from "../functions/history/input";
import { Progress, SILENT } from "./pipeline";

/** A parser for a whole number from `min` to `max`; `bound` says why the range ends there. */
export function wholeNumberIn(min: number, max: number, bound: string): (value: string) => number {
  return (value) => {
    const n = /^\d+$/.test(value) ? Number(value) : NaN;
    if (!(n >= min && n <= max)) throw new InvalidArgumentError(`expected a whole number from ${min} to ${max} (${bound})`);
    return n;
  };
}

/**
 * Every numeric flag's range: what a user could mean. A value past it is a typo, and some would
 * exhaust memory or overflow a date long before an error named the flag.
 */
export const NUMBER_FLAGS = {
  /** report, issues sync: a period of days. */
  days: wholeNumberIn(1, 3660, "ten years"),
  /** demo: generating takes about 0.2 s a day, and a year shows every pattern the demo plants. */
  demoDays: wholeNumberIn(1, 183, "half a year reported, a year generated"),
  seed: wholeNumberIn(0, 2 ** 31 - 1, "a 31-bit seed"),
  /** Athena runs a few dozen queries at once per account before it queues or throttles. */
  concurrency: wholeNumberIn(1, 32, "queries at once"),
  /** 0 updates and closes without opening; GitHub throttles accounts that open about 80 a minute. */
  maxNew: wholeNumberIn(0, 100, "issues opened a run"),
  alertDays: wholeNumberIn(1, 3660, "ten years"),
  /** report, issues sync: how far back the last use of a grant, or the last grants snapshot, is looked for. */
  lookbackDays: wholeNumberIn(1, 3660, "ten years"),
  backfillDays: wholeNumberIn(1, HISTORY_DAYS_KEPT, `Athena keeps ${HISTORY_DAYS_KEPT} days of history`),
};

/** `--account 123456789012`. */
export function accountId(value: string): string {
  if (!ACCOUNT_PATTERN.test(value)) throw new InvalidArgumentError("expected a 12-digit account id");
  return value;
}

export function day(value: string): string {
  try {
    return parseDay(value);
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
}

/** An http(s) address, as the URL parser writes it (spaces, `<` and `>` percent-encoded), for a Markdown link. */
export function webUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidArgumentError(`expected an http(s) address, got ${JSON.stringify(value)}`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:")
    throw new InvalidArgumentError(`expected an http(s) address, got ${JSON.stringify(value)}`);
  return url.href;
}

/** A GitHub login (`octocat`, or an app's `name[bot]`): letters, digits and single hyphens, at most 39 characters. */
export function githubLogin(value: string): string {
  if (!/^[A-Za-z0-9](?:-?[A-Za-z0-9]){0,38}(?:\[bot\])?$/.test(value))
    throw new InvalidArgumentError(`expected a GitHub login (octocat, or name[bot] for an app), got ${JSON.stringify(value)}`);
  return value;
}

/** `--expected-accounts 111122223333,444455556666` (empty: none), each a 12-digit account id. */
export function accountList(value: string): string[] {
  const accounts = value
    .split(",")
    .map((a) => a.trim())
    .filter((a) => a !== "");
  const wrong = accounts.find((a) => !ACCOUNT_PATTERN.test(a));
  if (wrong !== undefined)
    throw new InvalidArgumentError(`expected 12-digit account ids separated by commas, got ${JSON.stringify(wrong)}`);
  return [...new Set(accounts)];
}

/** Where a command runs: the embedded engine over a lake folder (the default), or Athena. */
export type EngineName = "duckdb" | "athena";

/** `--engine duckdb|athena`, for every command that runs on either engine (join, report, issues sync). */
export function engineOption(): Option {
  return new Option("--engine <engine>", "where it runs: duckdb (embedded, over a lake folder) or athena")
    .choices(["duckdb", "athena"] satisfies EngineName[])
    .default("duckdb" satisfies EngineName);
}

/** `--day`, or `--from` with `--to`, as the Lambdas take them (parsed by their input parsers). */
export function withDayOptions(command: Command): Command {
  return command
    .option("--day <day>", "one UTC day (default: yesterday)", day)
    .option("--from <day>", "first day of a range", day)
    .option("--to <day>", "last day of a range", day);
}

export interface DayOptions {
  day?: string;
  from?: string;
  to?: string;
}

/** Command-line options as a Lambda input: options not given are left out. */
export function definedOnly(options: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
}

/**
 * `--tb binary|decimal`: what a TB is in Athena's $5 per TB (core/cost.ts), for the commands that
 * join (the events' cost_usd column) and report (the price of every cost on the pages, computed as
 * they read the events, whichever unit those were joined in).
 */
export function tbOption(): Option {
  return new Option("--tb <definition>", "what a TB is in Athena's $5 per TB: binary (2^40 bytes, MB = 2^20) or decimal (10^12, MB = 10^6)")
    .choices(TB_DEFINITION_NAMES)
    .default(DEFAULT_TB);
}

/** Where the stacks' report folders live, relative to the repository root (the working directory). */
export const REPORTS_ROOT = "reports/published";

/** The demo's pages live beside the stacks' (reports/published/demo), so no stack may take its name. */
const RESERVED_STACKS = new Set(["demo"]);

/**
 * A stack's name names its report folder, reports/published/<name>, and scopes its issues. It comes from a
 * repository variable, so it is checked here, once, for everyone: one path segment of letters,
 * digits, '.', '_' and '-' that starts with a letter or digit (no '..', no '/', not absolute, not
 * empty), and not the demo's folder.
 */
export function stackName(value: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(value)) {
    throw new InvalidArgumentError(
      "a stack name is 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit " +
        `(it names the folder ${REPORTS_ROOT}/<stack>); got ${JSON.stringify(value)}`,
    );
  }
  if (RESERVED_STACKS.has(value.toLowerCase()))
    throw new InvalidArgumentError(`${REPORTS_ROOT}/${value} holds the demo's pages; pick another stack name`);
  return value;
}

/** reports/published/<stack>, for a checked stack name. */
export function stackReportsDir(stack: string): string {
  return path.join(REPORTS_ROOT, stackName(stack));
}

/** A progress bar on a terminal; plain silence when output is piped (CI logs stay readable). */
export function progressBar(): Progress {
  if (!process.stderr.isTTY) return SILENT;
  const bar = new cliProgress.SingleBar(
    { format: "{label} [{bar}] {value}/{total} {detail}", stream: process.stderr, hideCursor: true, clearOnComplete: true },
    cliProgress.Presets.shades_classic,
  );
  return {
    start: (total, label) => bar.start(total, 0, { label, detail: "" }),
    tick: (detail) => bar.increment(1, { detail }),
    stop: () => bar.stop(),
  };
}
