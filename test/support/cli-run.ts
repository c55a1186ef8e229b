/** Running the built `athena-audit` command as a user does, and recording a folder tree to prove what it changed. */
import { execFileSync, spawnSync } from "node:child_process";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";

const ROOT = path.join(__dirname, "..", "..");
const MAIN = path.join(ROOT, "dist", "cli", "main.js");

/** Bundles dist/cli/main.js from the sources under test (about two seconds). */
export function buildCli(): void {
  execFileSync(process.execPath, [path.join(ROOT, "scripts", "bundle.mjs"), "cli"], { cwd: ROOT });
}

export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** The bundled command with `args`, in `cwd` (default: the repository), outside GitHub Actions. */
export function runCli(args: string[], cwd = ROOT): CliRun {
  const env = { ...process.env, GITHUB_ACTIONS: "false", GITHUB_TOKEN: "ghs_unused" };
  const run = spawnSync(process.execPath, [MAIN, ...args], { cwd, encoding: "utf8", env });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

/**
 * Every entry below `dir`, hidden ones too: a folder as "folder", a file as the SHA-256 of its
 * bytes. Equal trees mean nothing was created, deleted or rewritten.
 */
export function treeState(dir: string): Record<string, string> {
  const state: Record<string, string> = {};
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    const full = path.join(entry.parentPath, entry.name);
    state[path.relative(dir, full)] = entry.isDirectory()
      ? "folder"
      : crypto.createHash("sha256").update(fs.readFileSync(full)).digest("hex");
  }
  return state;
}
