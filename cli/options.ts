/** Option parsers and the progress bar the commands share. */
import * as path from "node:path";
import { InvalidArgumentError, Option } from "commander";
import * as cliProgress from "cli-progress";
import { DEFAULT_TB, TB_DEFINITION_NAMES } from "../queries/cost";
import { parseDay } from "../queries/days";
import { ACCOUNT_PATTERN } from "../queries/names";
import { Progress, SILENT } from "./pipeline";

export function wholeNumber(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`expected a whole number of at least 1, got ${value}`);
  return n;
}

export function day(value: string): string {
  try {
    return parseDay(value);
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
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

/**
 * `--tb binary|decimal`: what a TB is in Athena's $5 per TB (queries/cost.ts), for the commands that
 * join (the cost they write) and report (the rules every footnote states, checked against the events).
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
