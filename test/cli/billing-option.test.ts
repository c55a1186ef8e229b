/** `--tb`: the TB definition the commands that join and report price with, checked by the command line. */
import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { Command } from "commander";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tbOption } from "../../cli/options";
import { registerReportCommands } from "../../cli/report-commands";
import { generateLake, Ledger } from "../../generator/generate";
import { writeGrantsSnapshot } from "../../generator/grants";
import { billingRulesText, queryCostUsd, TB_DEFINITION_NAMES } from "../../core/cost";
import { daysBetween } from "../../core/days";
import { usd } from "../../reports/pages/format";
import { at } from "../support/defined";
import { tempDir } from "../support/lake";

const ROOT = path.join(__dirname, "..", "..");
const cli = (args: string[]) => spawnSync(process.execPath, [path.join(ROOT, "dist", "cli", "main.js"), ...args], { encoding: "utf8" });

describe("--tb", () => {
  it("defaults to binary and takes only binary or decimal, before anything runs", async () => {
    expect(tbOption().defaultValue).toBe("binary");
    const program = new Command().exitOverride().configureOutput({ writeErr: () => undefined, writeOut: () => undefined });
    registerReportCommands(program);
    await expect(program.parseAsync(["report", "--out", "/nonexistent", "--tb", "TiB"], { from: "user" })).rejects.toThrow(
      /argument 'TiB' is invalid. Allowed choices are binary, decimal/,
    );
  });

  describe("through the command", () => {
    let lake: string;
    let out: string;
    let days: string[];
    let ledger: Ledger;
    beforeAll(async () => {
      execFileSync(process.execPath, [path.join(ROOT, "scripts", "bundle.mjs"), "cli"], { cwd: ROOT });
      lake = tempDir("tb-lake");
      out = tempDir("tb-out");
      ledger = generateLake({ lake, days: 2, seed: 17 });
      await writeGrantsSnapshot(lake, ledger.lastDay);
      days = daysBetween(ledger.firstDay, ledger.lastDay);
    });
    afterAll(() => {
      for (const dir of [lake, out]) if (dir) fs.rmSync(dir, { recursive: true, force: true });
    });

    it("joins in binary units and reports them in either, each total the ledger's in the report's unit", () => {
      for (const day of days) {
        const joined = cli(["join", "--lake", lake, "--day", day]);
        expect(joined.status, joined.stderr).toBe(0);
      }
      const report = ["report", "--lake", lake, "--out", out, "--days", "2", "--end", at(days, 1, "second day of the lake")];
      for (const tb of TB_DEFINITION_NAMES) {
        const run = cli([...report, "--tb", tb]);
        expect(run.status, run.stderr).toBe(0);
        expect(fs.readFileSync(path.join(out, "top_scanners.md"), "utf8")).toContain(billingRulesText(tb));
        const total = ledger.queries
          .filter((q) => days.includes(q.eventDay))
          .reduce((sum, q) => sum + queryCostUsd({ bytesScanned: q.bytes, statementType: q.statementType, state: q.state }, tb), 0);
        expect(fs.readFileSync(path.join(out, "index.md"), "utf8")).toContain(`| Cost | ${usd(total)} |`);
      }
    });
  });
});
