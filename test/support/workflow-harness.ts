/**
 * The reports workflow, run as written from a pushed commit (see test/support/workflow.ts), with
 * what a hosted runner would give it: a runner's variables, one token per job, a fresh checkout per
 * job, and stand-ins for the `uses:` steps. Each stack's role leads to that stack's own local Athena
 * server; GitHub is a local REST server.
 *
 * `npm ci` runs as written in the first job (from npm's cache), building the command that every
 * `npx athena-audit` step then runs. Later jobs get a hard-linked copy of that install instead of
 * their own `npm ci` (same commit, same lockfile): more installs would add about twenty seconds
 * each on this machine and prove nothing the first did not. Jobs run one after another, in matrix order.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { expect } from "vitest";
import { AthenaServer } from "./athena-server";
import { present } from "./defined";
import { GitHubServer } from "./github-server";
import { asText, checkout, Contexts, git, gitRaw, JobRun, jobMatrix, lenient, parseWorkflow, runJob, Value } from "./workflow";

export const WORKFLOW = ".github/workflows/athena-audit-reports.yml";

/** What answers when the workflow assumes a stack's role. */
export interface Account {
  roleArn: string;
  athena: AthenaServer;
}

export interface WorkflowRun {
  stacks: JobRun;
  /** Each matrix job with its workspace and the GitHub requests its own token made. */
  reports: { stack: string; workspace: string; run: JobRun; requests: string[] }[];
}

export interface Harness {
  /**
   * The workflow, read from the pushed commit, for one event (`inputs` null: the schedule): the
   * stacks job, then each matrix job. A job checks out when it starts unless `workspaces` has its
   * checkout already.
   */
  runWorkflow(vars: Record<string, string>, inputs: Record<string, Value> | null, workspaces?: Map<string, string>): Promise<WorkflowRun>;
  /** The origin's `main`. */
  head(): string;
  /** A file of the origin's `main`, byte for byte. */
  show(file: string): string;
  /** Drops what the runs left in npm's cache for this harness's clones. */
  cleanUp(): void;
}

export function workflowHarness(o: {
  dir: string;
  origin: string;
  github: GitHubServer;
  owner: string;
  repo: string;
  accounts: () => readonly Account[];
}): Harness {
  const { dir, origin, github, owner, repo } = o;
  let jobCount = 0;
  /** The workspace of the first job whose `npm ci` ran and passed: later jobs reuse its install. */
  let installed: string | undefined;

  function reuseInstall(workspace: string): void {
    execFileSync("cp", ["-al", path.join(installed!, "node_modules"), path.join(workspace, "node_modules")]);
    execFileSync("cp", ["-R", path.join(installed!, "dist"), path.join(workspace, "dist")]);
  }

  function runnerEnv(event: string): Record<string, string> & { RUNNER_TEMP: string } {
    const temp = path.join(dir, `runner-${++jobCount}`);
    fs.mkdirSync(temp);
    fs.writeFileSync(path.join(temp, "gitconfig"), "");
    return {
      PATH: [path.dirname(process.execPath), ...(process.env.PATH ?? "").split(":").filter((p) => !p.includes("node_modules"))].join(":"),
      HOME: os.homedir(),
      LANG: "C.UTF-8",
      CI: "true",
      GITHUB_ACTIONS: "true",
      GITHUB_EVENT_NAME: event,
      GITHUB_REPOSITORY: `${owner}/${repo}`,
      GITHUB_REF: "refs/heads/main",
      GITHUB_REF_NAME: "main",
      GITHUB_SERVER_URL: "https://github.com",
      GITHUB_API_URL: github.url,
      RUNNER_OS: "Linux",
      RUNNER_TEMP: temp,
      // This machine rather than a runner: npm from its cache, git and AWS without the user's settings.
      npm_config_cache: process.env.npm_config_cache ?? path.join(os.homedir(), ".npm"),
      npm_config_prefer_offline: "true",
      npm_config_audit: "false",
      npm_config_fund: "false",
      npm_config_update_notifier: "false",
      GIT_CONFIG_GLOBAL: path.join(temp, "gitconfig"),
      GIT_CONFIG_NOSYSTEM: "1",
      AWS_CONFIG_FILE: path.join(temp, "no-aws-config"),
      AWS_SHARED_CREDENTIALS_FILE: path.join(temp, "no-aws-credentials"),
      AWS_EC2_METADATA_DISABLED: "true",
    };
  }

  const show = (file: string) => gitRaw(origin, "show", `main:${file}`);

  async function runWorkflow(
    vars: Record<string, string>,
    inputs: Record<string, Value> | null,
    workspaces = new Map<string, string>(),
  ): Promise<WorkflowRun> {
    const workflow = parseWorkflow(show(WORKFLOW));
    const event = inputs ? "workflow_dispatch" : "schedule";
    const declared = (workflow.on.workflow_dispatch as { inputs: Record<string, { default: Value }> }).inputs;
    for (const key of Object.keys(inputs ?? {})) expect(declared, `input ${key}`).toHaveProperty(key);
    const base: Contexts = {
      github: { repository: `${owner}/${repo}`, ref_name: "main", event_name: event },
      inputs: inputs ? { ...Object.fromEntries(Object.entries(declared).map(([k, v]) => [k, v.default])), ...inputs } : lenient({}),
      vars: lenient({ ...vars }),
    };
    const empty = fs.mkdtempSync(path.join(dir, "empty-"));
    const stacks = await runJob(
      workflow,
      "stacks",
      { ...base, secrets: lenient({ GITHUB_TOKEN: "ghs_stacks" }) },
      { workspace: empty, env: runnerEnv(event), actions: {} },
    );
    const withNeeds = { ...base, needs: { stacks: { outputs: lenient(stacks.outputs), result: stacks.ok ? "success" : "failure" } } };
    const reports: WorkflowRun["reports"] = [];
    for (const matrix of (stacks.ok ? jobMatrix(present(workflow.jobs.reports, "the reports job"), withNeeds) : null) ?? []) {
      const stack = asText(present(matrix.stack, "matrix.stack"), "matrix.stack");
      const env = runnerEnv(event);
      const token = `ghs_${path.basename(env.RUNNER_TEMP)}`;
      const workspace = workspaces.get(stack) ?? checkout(origin, path.join(dir, `job-${path.basename(env.RUNNER_TEMP)}`, "repo"));
      const run = await runJob(
        workflow,
        "reports",
        { ...withNeeds, matrix, secrets: lenient({ GITHUB_TOKEN: token }) },
        {
          workspace,
          env,
          runs: installed ? { "npm ci": () => reuseInstall(workspace) } : {},
          actions: {
            "actions/checkout": () => {
              expect(git(workspace, "rev-parse", "--is-shallow-repository")).toBe("true");
              return {};
            },
            "actions/setup-node": (w) => {
              expect(w["node-version"]).toBe("22"); // this machine's Node stands in
              return {};
            },
            // The role decides which account answers: the stack's own local Athena server.
            "aws-actions/configure-aws-credentials": (w) => {
              const role = present(w["role-to-assume"], "the role-to-assume input");
              const region = present(w["aws-region"], "the aws-region input");
              const target = o.accounts().find((s) => s.roleArn === role);
              if (!target) throw new Error(`AccessDenied: cannot assume ${role}`);
              const session = { AWS_ACCESS_KEY_ID: "ASIALOCAL", AWS_SECRET_ACCESS_KEY: "local", AWS_SESSION_TOKEN: "local" };
              return {
                ...session,
                AWS_REGION: region,
                AWS_DEFAULT_REGION: region,
                AWS_ENDPOINT_URL_ATHENA: target.athena.url,
              };
            },
          },
        },
      );
      if (!installed && run.steps.some((s) => s.name === "npm ci" && s.outcome === "success")) installed = workspace;
      if (process.env.WORKFLOW_TIMINGS)
        console.log(
          stack,
          run.steps.map((s) => `${s.name.slice(0, 30)}: ${s.ms} ms`),
        );
      reports.push({ stack, workspace, run, requests: github.requests.filter((_, i) => github.authorizations[i] === `token ${token}`) });
    }
    return { stacks, reports };
  }

  function cleanUp(): void {
    // npx keeps a link per project folder in npm's cache; drop the ones for this harness's clones.
    const npx = path.join(process.env.npm_config_cache ?? path.join(os.homedir(), ".npm"), "_npx");
    for (const entry of fs.existsSync(npx) ? fs.readdirSync(npx) : []) {
      const manifest = path.join(npx, entry, "package.json");
      if (fs.existsSync(manifest) && fs.readFileSync(manifest, "utf8").includes(dir))
        fs.rmSync(path.join(npx, entry), { recursive: true, force: true });
    }
  }

  return { runWorkflow, head: () => git(origin, "rev-parse", "main"), show, cleanUp };
}
