/**
 * The log channel: what the command line and the Lambdas print, and what GitHub Actions reads as
 * its log. The Actions runner treats a line as a workflow command when, after leading white space, it
 * starts with `::` (`::error::`, `::add-mask::`, `::stop-commands::`), and the older form `##[name]`
 * anywhere in a line (actions/runner, ActionCommand.TryParseV2 and TryParse). A value from the lake
 * or from AWS is one line here (its newlines shown, never written), quoted, and capped; a line that
 * would still start a command, or hold the older form, is changed so that it cannot.
 */
import { visible } from "./visible";

/** A value for a log line: JSON-quoted (newlines, quotes, backslashes escaped), invisibles shown, at most `max` characters. */
export function logValue(value: unknown, max = 200): string {
  const text = visible(typeof value === "string" ? value : String(value));
  const capped = text.length > max ? `${text.slice(0, max - 1)}…` : text;
  return JSON.stringify(capped).replace(/##\[/g, "#\\u0023[");
}

/**
 * A whole line as the runner will read it: one line (CR and LF shown as `\r` `\n`), invisibles shown,
 * never a workflow command. Lines the product builds from its own words and `logValue`s pass unchanged.
 */
export function logLine(line: string): string {
  const single = visible(line).replace(/\r/g, "\\r").replace(/\n/g, "\\n");
  const safe = single.replace(/##\[/g, "#\\u0023[");
  return /^\s*::/.test(safe) ? `athena-audit: ${safe}` : safe;
}

/** A value as JSON for stdout (a command's summary), each of its lines a safe log line; still JSON (`\u0023` is `#`). */
export function logJson(value: unknown, indent?: number): string {
  return JSON.stringify(value, null, indent).split("\n").map(logLine).join("\n");
}
