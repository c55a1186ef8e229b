/**
 * Benchmark (not a test): the Lambda archives the main stack deploys. Builds (the bundles and the
 * Pulumi program), plans the main stack under Pulumi's mocks, materialises each function's archive,
 * and prints per function its files, unzipped and zipped bytes, and the cold `require` of its
 * `__index.js` (which loads the bundle), as the median over fresh Node processes.
 *   npm run bench:archives -- [runs]      (default 9 runs per function)
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { defined } from "../core/checks";
import { build, dirSize, filesUnder, plan, zippedSize } from "../test/pulumi/plan";

/** The targets for the zipped archive; Lambda's own limit is 50 MB. */
const ZIPPED_TARGET: Record<string, number> = {
  history: 1024 ** 2,
  join: 1024 ** 2,
  grants: 3 * 1024 ** 2,
  billing: 1024 ** 2,
  live: 1024 ** 2,
};
const REQUIRE_TARGET_MS = 100;

// Timed inside the child around `require` only, so Node's own start-up is not counted.
const TIMED_REQUIRE = `const t = process.hrtime.bigint(); require(process.argv[1]);
process.stdout.write(String(Number(process.hrtime.bigint() - t) / 1e6));`;

function coldRequireMs(dir: string, runs: number): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const out = execFileSync(process.execPath, ["-e", TIMED_REQUIRE, path.join(dir, "__index.js")], {
      cwd: dir,
      env: { PATH: process.env.PATH },
      encoding: "utf8",
    });
    times.push(Number(out));
  }
  times.sort((a, b) => a - b);
  return defined(times[Math.floor(times.length / 2)], "a timed run (runs must be ≥ 1)");
}

const mb = (bytes: number) => `${(bytes / 1024 ** 2).toFixed(2)} MB`;

function main(): void {
  const given = process.argv[2] ?? "9";
  const runs = Number(given);
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`runs must be a whole number ≥ 1, not ${given}`);
  build();
  const main = plan("main", { "aws:region": "us-east-1", role: "main", createTrail: true, joinRegions: ["us-east-1"] });
  if (main.error || !main.archives) throw new Error(`planning the main stack failed: ${main.error ?? "no archives"}`);
  const header = ["function", "files", "unzipped", "zipped", "zipped target", `cold require (median of ${runs})`];
  const rows = [header];
  let met = true;
  for (const archive of [...main.archives].sort((a, b) => a.name.localeCompare(b.name))) {
    const zipped = zippedSize(archive.dir);
    const ms = coldRequireMs(archive.dir, runs);
    const target = ZIPPED_TARGET[archive.name];
    met &&= (target === undefined || zipped <= target) && ms <= REQUIRE_TARGET_MS;
    rows.push([
      archive.name,
      String(filesUnder(archive.dir).length),
      mb(dirSize(archive.dir)),
      mb(zipped),
      target ? mb(target) : "-",
      `${ms.toFixed(1)} ms`,
    ]);
  }
  const widths = header.map((_, i) => Math.max(...rows.map((r) => r[i]?.length ?? 0)));
  for (const row of rows)
    console.log(
      row
        .map((cell, i) => cell.padEnd(widths[i] ?? 0))
        .join("  ")
        .trimEnd(),
    );
  console.log(
    "zipped sizes: deflated files plus zip headers (see zippedSize). " +
      `Targets: history, join, billing and live ≤ 1 MB, grants ≤ 3 MB, require ≤ ${REQUIRE_TARGET_MS} ms: ${met ? "met" : "NOT met"}.`,
  );
  fs.rmSync(main.dir, { recursive: true, force: true });
}

main();
