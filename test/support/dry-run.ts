/**
 * Running `issues sync` as built, without a token and without network, and reading back the preview
 * its dry run prints. Every socket the command opens is refused (a guard preloaded into it), and
 * GitHub's API URL and any proxy point at a local port that counts connections.
 */
import { spawn } from "node:child_process";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as net from "node:net";
import * as path from "node:path";
import { beforeAll, expect } from "vitest";
import { buildCli } from "./cli-run";
import { cleanupAfterAll } from "./cleanup";
import { present } from "./defined";
import { GitHubServer } from "./github-server";
import { tempDir } from "./lake";

export const MAIN = path.join(__dirname, "..", "..", "dist", "cli", "main.js");
export const OFFLINE =
  "no GITHUB_TOKEN: planned as if the repository had no issues of this stack; with a token the dry run also shows updates and closes";
export const GAPS_LABEL = "athena-audit:permission-gaps";
export const ANOMALY_LABEL = "athena-audit:anomaly";

export interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** The built command, run without blocking this process: a local server of the test answers from its event loop. */
export function command(args: string[], env: NodeJS.ProcessEnv): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { env });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
    child.on("error", reject);
    child.on("close", (status) => resolve({ status, stdout, stderr }));
  });
}

/** `issues sync` with a token, against a local server speaking GitHub's REST API. */
export function online(server: GitHubServer, args: string[]): Promise<Run> {
  const env = { ...process.env, GITHUB_ACTIONS: "false", GITHUB_TOKEN: "ghs_local", GITHUB_API_URL: server.url };
  return command([MAIN, "issues", "sync", "--repo", "northwind/data-platform", ...args], env);
}

export interface Offline {
  /** `issues sync --dry-run ...args` with no token, no repository and no network; fails the test if it connected. */
  run(args: string[]): Promise<Run>;
  /** A JSON file in the suite's temporary folder. */
  json(name: string, value: unknown): string;
}

/** Builds the command and sets up the guard and the counting port for the suite (call where the suite is declared). */
export function offlineSync(): Offline {
  const cleanUp = cleanupAfterAll();
  let dir = "";
  let guard = "";
  let url = "";
  let connections = 0;
  beforeAll(async () => {
    buildCli();
    dir = tempDir("dry-run");
    cleanUp(() => fs.rmSync(dir, { recursive: true, force: true }));
    guard = path.join(dir, "no-network.cjs");
    const refuse = 'function () { throw new Error("NETWORK: the command opened a connection"); }';
    fs.writeFileSync(guard, `require("node:net").Socket.prototype.connect = ${refuse};\n`);
    const server = net.createServer((socket) => {
      connections++;
      socket.destroy();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    cleanUp(() => new Promise((resolve) => server.close(resolve)));
    url = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
  });
  const unset = new Set(["GITHUB_TOKEN", "GH_TOKEN", "GITHUB_REPOSITORY"]);
  return {
    async run(args) {
      const env = {
        ...Object.fromEntries(Object.entries(process.env).filter(([name]) => !unset.has(name))),
        ...{ GITHUB_ACTIONS: "false", GITHUB_API_URL: url, HTTP_PROXY: url, HTTPS_PROXY: url },
      };
      const run = await command(["--require", guard, MAIN, "issues", "sync", "--dry-run", ...args], env);
      expect(run.stderr).not.toContain("NETWORK");
      expect(connections).toBe(0);
      return run;
    },
    json(name, value) {
      const file = path.join(dir, name);
      fs.writeFileSync(file, JSON.stringify(value));
      return file;
    },
  };
}

export interface Previewed {
  heading: string;
  title?: string;
  labels?: string;
  body: string;
}

/** The preview's counts line and its sections, each between two rules. */
export function preview(stdout: string): { summary: string; sections: Previewed[] } {
  const lines = stdout.split("\n");
  const summary = present(
    lines.find((l) => l.startsWith("dry run, label ")),
    "the counts line",
  );
  const sections: Previewed[] = [];
  let current: string[] | undefined;
  for (const line of lines) {
    if (/^─{72}$/.test(line)) {
      if (current) sections.push(section(current));
      current = [];
    } else current?.push(line);
  }
  return { summary, sections };
}

function section(lines: string[]): Previewed {
  const [heading = "", ...rest] = lines;
  const field = (name: string) =>
    rest
      .find((l) => l.startsWith(`${name}:`))
      ?.slice(name.length + 1)
      .trim();
  // A body follows "body:" and a blank line; a closing comment follows the heading and a blank line.
  const start = rest.indexOf("body:");
  const body = start >= 0 ? rest.slice(start + 2) : rest.slice(1);
  return { heading, title: field("title"), labels: field("labels"), body: body.join("\n") };
}

/** The first 16 hex digits of SHA-256, as the markers' definition in docs/reports-and-issues.md says. */
export const sha16 = (text: string) => crypto.createHash("sha256").update(text).digest("hex").slice(0, 16);

export const accountOf = (arn: string) => present(arn.split(":")[4], `the account of ${arn}`);
