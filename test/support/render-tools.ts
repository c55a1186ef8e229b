/**
 * The programs the rendering tests drive, found or not: Chromium (test/support/browser.ts) and
 * cmark-gfm (test/support/gfm.ts), both Debian packages that .ci/run installs. A machine without
 * them skips those tests, and the run says once which and how to enable them (test/global-setup.ts),
 * so `npm test` behaves the same on every machine: it passes, and says what it did not check.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";

/** Where Chromium is expected: CHROMIUM_PATH, or Debian's. */
export function chromiumFile(): string {
  return process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
}

/** The cmark-gfm program: CMARK_GFM_PATH, or `cmark-gfm` on the PATH. */
export function cmarkGfmProgram(): string {
  return process.env.CMARK_GFM_PATH ?? "cmark-gfm";
}

function runs(program: string): boolean {
  try {
    execFileSync(program, ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** Why the tests that draw pages in Chromium cannot run here; undefined when they can. */
export const CHROMIUM_MISSING: string | undefined = fs.existsSync(chromiumFile()) ? undefined : `Chromium not found at ${chromiumFile()}`;

/** Why the tests that render Markdown with GitHub's own library cannot run here; undefined when they can. */
export const CMARK_GFM_MISSING: string | undefined = runs(cmarkGfmProgram()) ? undefined : `${cmarkGfmProgram()} does not run`;

/** The one line a run prints when rendering tests are skipped, with how to enable them. */
export function skippedRenderingLine(): string | undefined {
  const missing = [CHROMIUM_MISSING, CMARK_GFM_MISSING].filter((m) => m !== undefined);
  if (missing.length === 0) return undefined;
  return (
    `rendering tests skipped (${missing.join("; ")}): to run them, ` +
    "apt-get install chromium fonts-liberation cmark-gfm (as .ci/run does), or set CHROMIUM_PATH and CMARK_GFM_PATH"
  );
}
