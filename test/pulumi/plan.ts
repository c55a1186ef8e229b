/** Running the compiled Pulumi program under mocks (test/pulumi/run-program.cjs) and reading what it planned. */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as zlib from "node:zlib";
import { only } from "../support/defined";

export interface PlannedResource {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
  /** The resource's `ignoreChanges` option, when it has one. */
  ignoreChanges?: string[];
  /** What it waits for (`type name`): its dependsOn option and the resources its inputs come from. */
  dependsOn?: string[];
}

export interface Plan {
  error?: string;
  outputs?: Record<string, unknown>;
  resources: PlannedResource[];
  archives?: { name: string; dir: string; files: string[] }[];
  dir: string;
}

/** The project folder: the nearest one up with a package.json (this file also runs compiled, from `.bench/dist/`). */
function projectRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, "package.json"))) return dir;
    if (dir === path.dirname(dir)) throw new Error(`no package.json above ${from}`);
  }
}

export const ROOT = projectRoot(__dirname);

/**
 * Builds what the plan needs, as `npm run build` does: the Lambda bundles the archives carry
 * (scripts/bundle.mjs) and the compiled Pulumi program (dist/pulumi). Once per test file.
 */
export function build(): void {
  // Built once for the whole run by test/global-setup.ts; a file run on its own (or a benchmark) builds here.
  if (process.env.ATHENA_AUDIT_TEST_BUILT === "1") return;
  execFileSync(process.execPath, [path.join(ROOT, "scripts", "bundle.mjs"), "lambda"], { cwd: ROOT, stdio: "inherit" });
  execFileSync(process.execPath, [path.join(ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.json"], {
    cwd: ROOT,
    stdio: "inherit",
  });
}

export function plan(stack: string, config: Record<string, unknown>): Plan {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `athena-audit-plan-${stack}-`));
  const pulumiConfig = Object.fromEntries(
    Object.entries(config).map(([k, v]) => [k.includes(":") ? k : `athena-audit:${k}`, typeof v === "string" ? v : JSON.stringify(v)]),
  );
  execFileSync(process.execPath, [path.join(ROOT, "test", "pulumi", "run-program.cjs"), dir, stack], {
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

/** The plan's one resource of `type`; fails naming the type when it plans none or several. */
export function oneOfType(p: Plan, type: string): PlannedResource {
  return only(ofType(p, type), `planned ${type}`);
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
export function policies(p: Plan): { resource: PlannedResource; statements: PolicyStatement[] }[] {
  const docs: { resource: PlannedResource; statements: PolicyStatement[] }[] = [];
  for (const r of p.resources) {
    for (const key of ["policy", "assumeRolePolicy"]) {
      const text = r.inputs[key];
      if (typeof text === "string")
        docs.push({ resource: r, statements: (JSON.parse(text) as { Statement: PolicyStatement[] }).Statement });
    }
  }
  return docs;
}

/** Every file under `dir`, as paths relative to it with `/` separators (as a zip names them), sorted. */
export function filesUnder(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)).split(path.sep).join("/"))
    .sort();
}

export function dirSize(dir: string): number {
  return filesUnder(dir).reduce((total, file) => total + fs.statSync(path.join(dir, file)).size, 0);
}

// Fixed parts of a zip archive (PKWARE APPNOTE 4.3): per file a local header (30 bytes + name),
// a data descriptor (16, as streaming writers such as Go's archive/zip add) and a central
// directory entry (46 + name); once, the end-of-central-directory record (22).
const LOCAL_HEADER = 30;
const DATA_DESCRIPTOR = 16;
const CENTRAL_HEADER = 46;
const END_OF_CENTRAL_DIRECTORY = 22;

/**
 * The size of `dir` as a zip file, computed without a zip tool (not every machine has one): each
 * file deflated with zlib at its default level, as the archive's writer does, plus the headers'
 * fixed sizes. Extra fields (timestamps), which differ between zip writers, are left out: zip(1)
 * archives of the same folders came out up to 3% larger (about 50 bytes more per file).
 */
export function zippedSize(dir: string): number {
  let total = END_OF_CENTRAL_DIRECTORY;
  for (const file of filesUnder(dir)) {
    const name = Buffer.byteLength(file);
    total += LOCAL_HEADER + CENTRAL_HEADER + DATA_DESCRIPTOR + 2 * name + zlib.deflateRawSync(fs.readFileSync(path.join(dir, file))).length;
  }
  return total;
}
