/**
 * The import rules of CONTRIBUTING.md ("The data's path"), as `npm run lint` checks them with
 * dependency-cruiser (.dependency-cruiser.cjs): the project keeps them, and a small tree that breaks
 * each one fails, naming the rule.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { tempDir } from "../support/lake";

const ROOT = path.resolve(__dirname, "../..");
const CONFIG = path.join(ROOT, ".dependency-cruiser.cjs");
const DEPCRUISE = path.join(ROOT, "node_modules", ".bin", "depcruise");
const FOLDERS = ["core", "queries", "functions", "reports", "pulumi", "generator", "cli", "bench", "test"];

interface Violation {
  rule: { name: string };
  from: string;
  to: string;
}

/** The violations dependency-cruiser finds under `cwd`, with the project's rules. */
function violations(cwd: string): Violation[] {
  const folders = FOLDERS.filter((f) => fs.existsSync(path.join(cwd, f)));
  let out: string;
  try {
    // The report lists every module: over a megabyte for the project, past execFileSync's default buffer.
    out = execFileSync(DEPCRUISE, [...folders, "--config", CONFIG, "--output-type", "json"], {
      cwd,
      encoding: "utf8",
      maxBuffer: 64 << 20,
    });
  } catch (error) {
    // It exits non-zero when it finds violations; the report is still on stdout.
    out = (error as { stdout: string }).stdout;
  }
  const report = JSON.parse(out) as { summary: { violations: Violation[] } };
  return report.summary.violations;
}

/** A tree of files (path → text) with the tsconfig the rules' options name. */
function tree(files: Record<string, string>): string {
  const dir = tempDir("import-rules");
  const all = { "tsconfig.test.json": JSON.stringify({ compilerOptions: { strict: true }, include: FOLDERS }), ...files };
  for (const [file, text] of Object.entries(all)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  }
  return dir;
}

const named = (found: Violation[]) => found.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`).sort();

describe("import rules", () => {
  it("the project keeps them: no cycle, no upward or sideways import", () => {
    expect(named(violations(ROOT))).toEqual([]);
  });

  it("a tree that breaks each rule fails, naming the rule and the import", () => {
    const dir = tree({
      "core/days.ts": 'import { run } from "../queries/engine";\nexport const day = run;\n',
      "queries/engine.ts": "export const run = 1;\n",
      "queries/a.ts": 'import { b } from "./b";\nexport const a = b;\n',
      "queries/b.ts": 'import { a } from "./a";\nexport const b = () => a;\n',
      "reports/page.ts": 'import { collect } from "../functions/collect";\nexport const page = collect;\n',
      "functions/collect.ts": "export const collect = 1;\n",
      "pulumi/stack.ts": 'import { collect } from "../functions/collect";\nexport const stack = collect;\n',
      "queries/saved/index.ts": 'export { q } from "./registry";\n',
      "queries/saved/registry.ts": "export const q = 1;\n",
      "reports/deep.ts": 'import { q } from "../queries/saved/registry";\nexport const deep = q;\n',
      "reports/fine.ts": 'import { q } from "../queries/saved";\nimport { run } from "../queries/engine";\nexport const fine = q + run;\n',
    });
    expect(named(violations(dir))).toEqual([
      "core-imports-nothing: core/days.ts → queries/engine.ts",
      "no-cycle: queries/a.ts → queries/b.ts",
      "pulumi-through-bundles: pulumi/stack.ts → functions/collect.ts",
      "reports-not-sideways: reports/page.ts → functions/collect.ts",
      "saved-queries-through-index: reports/deep.ts → queries/saved/registry.ts",
    ]);
  });
});
