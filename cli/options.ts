/** Option parsers and the progress bar the commands share. */
import { InvalidArgumentError } from "commander";
import * as cliProgress from "cli-progress";
import { parseDay } from "../queries/days";
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
