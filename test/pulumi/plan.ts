/** Running the compiled Pulumi program under mocks (test/pulumi/run-program.cjs) and reading what it planned. */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { tempDir } from "../support/lake";

export interface PlannedResource {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
}

export interface Plan {
  error?: string;
  outputs?: Record<string, unknown>;
  resources: PlannedResource[];
  archives?: Array<{ name: string; dir: string; files: string[] }>;
  dir: string;
}

const ROOT = path.resolve(__dirname, "..", "..");

/** Compiles the project (the program and the code its functions package) once per test file. */
export function build(): void {
  execFileSync(process.execPath, [path.join(ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.json"], { cwd: ROOT, stdio: "inherit" });
}

export function plan(stack: string, config: Record<string, unknown>): Plan {
  const dir = tempDir(`plan-${stack}`);
  const pulumiConfig = Object.fromEntries(
    Object.entries(config).map(([k, v]) => [k.includes(":") ? k : `athena-audit:${k}`, typeof v === "string" ? v : JSON.stringify(v)]),
  );
  execFileSync(process.execPath, [path.join(__dirname, "run-program.cjs"), dir, stack], {
    cwd: ROOT,
    env: { ...process.env, PULUMI_CONFIG: JSON.stringify(pulumiConfig) },
    stdio: ["ignore", "inherit", "inherit"],
    // A closure that fails to serialize leaves outputs unresolved: fail instead of waiting forever.
    timeout: 90_000,
  });
  return { ...(JSON.parse(fs.readFileSync(path.join(dir, "plan.json"), "utf8")) as Omit<Plan, "dir">), dir };
}

export function ofType(p: Plan, type: string): PlannedResource[] {
  return p.resources.filter((r) => r.type === type);
}

export interface PolicyStatement {
  Sid: string;
  Effect: string;
  Action: string[];
  Resource?: string | string[];
  Condition?: Record<string, Record<string, unknown>>;
  Principal?: unknown;
}

/** Every policy document the plan holds (role policies, bucket policies, trust policies), parsed. */
export function policies(p: Plan): Array<{ resource: PlannedResource; statements: PolicyStatement[] }> {
  const docs: Array<{ resource: PlannedResource; statements: PolicyStatement[] }> = [];
  for (const r of p.resources) {
    for (const key of ["policy", "assumeRolePolicy"]) {
      const text = r.inputs[key];
      if (typeof text === "string") docs.push({ resource: r, statements: (JSON.parse(text) as { Statement: PolicyStatement[] }).Statement });
    }
  }
  return docs;
}

export function dirSize(dir: string): number {
  let total = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) total += fs.statSync(path.join(entry.parentPath ?? (entry as unknown as { path: string }).path, entry.name)).size;
  }
  return total;
}
