/**
 * Runs a GitHub Actions workflow's own jobs on this machine the way a hosted runner does: the
 * `run:` steps read from the YAML, in order, each with `bash -e`; `${{ }}` expressions evaluated by
 * a small evaluator that throws on any context, property or function it does not know; the
 * GITHUB_OUTPUT, GITHUB_ENV and GITHUB_STEP_SUMMARY files; job outputs, `needs` and a matrix from
 * `include`. `uses:` steps are stood in for by the caller. Anything else in a step fails loudly, so
 * a workflow that grows a feature this runner does not model cannot pass by accident.
 */
import { execFileSync, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import * as yaml from "js-yaml";
import { present } from "./defined";
import { asText, condition, Contexts, interpolate, lenient, Value } from "./workflow-expressions";

export type { Contexts, Value };
export { asText, lenient };

// ---- the workflow file -------------------------------------------------------------------------

export interface Step {
  id?: string;
  name?: string;
  if?: unknown;
  uses?: string;
  run?: string;
  shell?: string;
  env?: Record<string, unknown>;
  with?: Record<string, unknown>;
}
export interface Job {
  name?: string;
  if?: unknown;
  needs?: string | string[];
  env?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
  strategy?: { matrix?: Record<string, unknown>; "fail-fast"?: boolean };
  steps: Step[];
  [key: string]: unknown;
}
export interface Workflow {
  name: string;
  on: Record<string, unknown>;
  permissions?: Record<string, string>;
  concurrency?: unknown;
  env?: Record<string, unknown>;
  jobs: Record<string, Job>;
}

export function parseWorkflow(text: string): Workflow {
  return yaml.load(text) as Workflow;
}

/** The matrix entries a job runs with, or null when its `if:` skips it. Only `include` is modelled. */
export function jobMatrix(job: Job, ctx: Contexts): Record<string, Value>[] | null {
  if (!condition(job.if, ctx)) return null;
  const matrix = job.strategy?.matrix;
  if (!matrix) return [{}];
  const unknown = Object.keys(matrix).filter((k) => k !== "include");
  if (unknown.length > 0) throw new Error(`matrix keys this runner does not model: ${unknown.join(", ")}`);
  const include = interpolate(matrix.include, ctx);
  if (!Array.isArray(include) || include.length === 0)
    throw new Error(`matrix.include is not a non-empty list: ${JSON.stringify(include)}`);
  return include as Record<string, Value>[];
}

// ---- running a job -----------------------------------------------------------------------------

export interface StepRun {
  name: string;
  outcome: "success" | "failure" | "skipped";
  log: string;
  /** Wall time, for the report of where a run's time goes (never asserted). */
  ms: number;
}
export interface JobRun {
  ok: boolean;
  steps: StepRun[];
  outputs: Record<string, string>;
  /** ::notice::, ::warning:: and ::error:: lines, as "kind: message". */
  annotations: string[];
  summary: string;
  /** Every step's output, in order, for a failure message. */
  log: string;
}

/** A `uses:` stand-in: gets the step's evaluated `with:`, returns variables it exports to the job (`{}` for none). */
export type ActionStandIn = (inputs: Record<string, string>) => Record<string, string>;

export interface RunOptions {
  /** The checked-out repository (the caller clones it, as actions/checkout would). */
  workspace: string;
  /** The runner's own variables: PATH, HOME, GITHUB_*, RUNNER_TEMP, ... */
  env: Record<string, string> & { RUNNER_TEMP: string };
  /** Stand-ins by action name without its `@ref`; a `uses:` without one fails the job. */
  actions: Record<string, ActionStandIn>;
  /** `run:` steps the caller stands in for, by their exact script: an install done once, reused. */
  runs?: Record<string, () => void>;
}

function parseFileCommand(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  // One iterator: a heredoc's body is read from it, so the outer loop resumes after its delimiter.
  const lines = text.split("\n")[Symbol.iterator]();
  for (const line of lines) {
    const [, name, delimiter] = /^([^=]+)<<(.+)$/.exec(line) ?? [];
    if (name !== undefined && delimiter !== undefined) {
      const body: string[] = [];
      let closed = false;
      for (const next of lines) {
        closed = next === delimiter;
        if (closed) break;
        body.push(next);
      }
      // The runner fails the step on a heredoc without its delimiter.
      if (!closed) throw new Error(`${name}<<${delimiter}: matching delimiter not found`);
      values[name] = body.join("\n");
    } else if (line.includes("=")) values[line.slice(0, line.indexOf("="))] = line.slice(line.indexOf("=") + 1);
  }
  return values;
}

function bash(script: string, cwd: string, env: Record<string, string>, args: string[]): Promise<{ code: number; log: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn("bash", [...args, script], { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let log = "";
    child.stdout.on("data", (d: Buffer) => (log += d.toString()));
    child.stderr.on("data", (d: Buffer) => (log += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? 1, log }));
  });
}

export async function runJob(workflow: Workflow, jobId: string, base: Contexts, options: RunOptions): Promise<JobRun> {
  const job = present(workflow.jobs[jobId], `job ${jobId} in the workflow`);
  const temp = options.env.RUNNER_TEMP;
  const steps: Record<string, Value> = {};
  const ctx = (env: Record<string, string>): Contexts => ({ ...base, steps, env: lenient({ ...env }) });
  let env: Record<string, string> = { ...options.env, GITHUB_WORKSPACE: options.workspace };
  for (const scope of [workflow.env, job.env]) {
    for (const [k, v] of Object.entries(scope ?? {})) env[k] = asText(interpolate(v, ctx(env)), `env ${k}`);
  }
  const run: JobRun = { ok: true, steps: [], outputs: {}, annotations: [], summary: "", log: "" };
  for (const [n, step] of job.steps.entries()) {
    const name = step.name ?? step.uses ?? step.run?.split("\n")[0] ?? `step ${n + 1}`;
    const known = new Set(["id", "name", "if", "uses", "run", "shell", "env", "with"]);
    const extra = Object.keys(step).filter((k) => !known.has(k));
    if (extra.length > 0) throw new Error(`${name}: step keys this runner does not model: ${extra.join(", ")}`);
    if (!run.ok || !condition(step.if, ctx(env))) {
      run.steps.push({ name, outcome: "skipped", log: "", ms: 0 });
      continue;
    }
    const stepEnv: Record<string, string> = { ...env };
    for (const [k, v] of Object.entries(step.env ?? {})) stepEnv[k] = asText(interpolate(v, ctx(stepEnv)), `${name}: env ${k}`);
    if (step.uses) {
      const action = options.actions[step.uses.replace(/@.*$/s, "")];
      if (!action) throw new Error(`${name}: no stand-in for ${step.uses}`);
      const inputs = Object.fromEntries(
        Object.entries(step.with ?? {}).map(([k, v]) => [k, asText(interpolate(v, ctx(stepEnv)), `${name}: with ${k}`)]),
      );
      env = { ...env, ...action(inputs) };
      run.steps.push({ name, outcome: "success", log: "", ms: 0 });
      continue;
    }
    if (step.run === undefined) throw new Error(`${name}: neither run nor uses`);
    if (step.shell !== undefined && step.shell !== "bash") throw new Error(`${name}: shell ${step.shell} is not modelled`);
    const standIn = options.runs?.[step.run.trim()];
    if (standIn) {
      const started = Date.now();
      standIn();
      run.steps.push({ name, outcome: "success", log: "(stood in)", ms: Date.now() - started });
      continue;
    }
    const file = (variable: string) => path.join(temp, `${variable.toLowerCase()}-${n}`);
    const files = {
      GITHUB_OUTPUT: file("GITHUB_OUTPUT"),
      GITHUB_ENV: file("GITHUB_ENV"),
      GITHUB_STEP_SUMMARY: file("GITHUB_STEP_SUMMARY"),
    };
    for (const file of Object.values(files)) fs.writeFileSync(file, "");
    const script = path.join(temp, `step-${n}.sh`);
    fs.writeFileSync(script, asText(interpolate(step.run, ctx(stepEnv)), `${name}: run`));
    // GitHub's default shell on Linux is `bash -e {0}`; `shell: bash` adds pipefail and no rc files.
    const args = step.shell === "bash" ? ["--noprofile", "--norc", "-eo", "pipefail"] : ["-e"];
    const started = Date.now();
    const { code, log } = await bash(script, options.workspace, { ...stepEnv, ...files }, args);
    run.log += `--- ${name}\n${log}`;
    for (const [, level, message] of log.matchAll(/^::(notice|warning|error)[^:]*::(.*)$/gm))
      run.annotations.push(`${present(level, "the annotation's level")}: ${present(message, "the annotation's message")}`);
    run.summary += fs.readFileSync(files.GITHUB_STEP_SUMMARY, "utf8");
    if (step.id)
      steps[step.id] = {
        outputs: lenient(parseFileCommand(fs.readFileSync(files.GITHUB_OUTPUT, "utf8"))),
        outcome: code === 0 ? "success" : "failure",
      };
    env = { ...env, ...parseFileCommand(fs.readFileSync(files.GITHUB_ENV, "utf8")) };
    run.steps.push({ name, outcome: code === 0 ? "success" : "failure", log, ms: Date.now() - started });
    if (code !== 0) run.ok = false;
  }
  if (run.ok) {
    for (const [k, v] of Object.entries(job.outputs ?? {})) run.outputs[k] = asText(interpolate(v, ctx(env)), `outputs ${k}`);
  }
  return run;
}

// ---- repositories ------------------------------------------------------------------------------

/** git's output, trimmed; `raw` keeps it byte for byte (a file's content from `git show`). */
export function git(cwd: string, ...args: string[]): string {
  return gitRaw(cwd, ...args).trim();
}
export function gitRaw(cwd: string, ...args: string[]): string {
  return execFileSync("git", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

/**
 * A fresh repository from `source`'s tracked and untracked-but-not-ignored files (what a clone of
 * a pushed commit would hold), committed once and pushed to a local bare repository, `origin`.
 */
export function freshOrigin(source: string, dir: string): string {
  const copy = path.join(dir, "source");
  const origin = path.join(dir, "origin.git");
  for (const file of git(source, "ls-files", "-co", "--exclude-standard", "-z").split("\0").filter(Boolean)) {
    if (!fs.existsSync(path.join(source, file))) continue; // tracked but deleted in the working tree
    fs.mkdirSync(path.dirname(path.join(copy, file)), { recursive: true });
    fs.copyFileSync(path.join(source, file), path.join(copy, file));
  }
  git(dir, "init", "-q", "--bare", "-b", "main", origin);
  git(copy, "init", "-q", "-b", "main");
  git(copy, "add", "-A");
  git(copy, "-c", "user.name=test", "-c", "user.email=test@example.com", "commit", "-q", "-m", "the repository under test");
  git(copy, "push", "-q", origin, "main");
  fs.rmSync(copy, { recursive: true, force: true });
  return origin;
}

/** What actions/checkout does by default: a depth-1 clone of the branch. */
export function checkout(origin: string, workspace: string): string {
  fs.mkdirSync(path.dirname(workspace), { recursive: true });
  git(path.dirname(workspace), "clone", "-q", "--depth", "1", "--branch", "main", `file://${origin}`, workspace);
  return workspace;
}
