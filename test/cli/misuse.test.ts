/**
 * The command line never deletes or writes what it was not asked to (issue 23): each misuse a new
 * user tried exits non-zero with one line naming the flag or path, and leaves every file and folder
 * as it was (the whole tree hashed before and after); what it was asked to replace, it replaces.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { InvalidArgumentError } from "commander";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_MARKER, demoLakeAction, PathFacts } from "../../cli/checks";
import { NUMBER_FLAGS, wholeNumberIn } from "../../cli/options";
import { ACCOUNT_ID } from "../../generator/org";
import { buildCli, CliRun, runCli, treeState } from "../support/cli-run";
import { tempDir } from "../support/lake";
import { succeededExecution, writeHistory } from "../support/write-lake";

const DAY = "2026-10-30";
/** eu-west-1's only history is five days later: on DAY that region has nothing to join. */
const LATER = "2026-11-04";

/** `work` holds every folder a misuse names, so its tree is everything the command could have touched. */
let work: string;
let lake: string;
let join: CliRun;
const roots: string[] = [];
const p = (...parts: string[]) => path.join(work, ...parts);

beforeAll(() => {
  buildCli();
  work = tempDir("misuse");
  roots.push(work);
  lake = p("lake");
  writeHistory(lake, "us-east-1", [succeededExecution("q-east-1", DAY, 1), succeededExecution("q-east-2", DAY, 2)]);
  writeHistory(lake, "eu-west-1", [succeededExecution("q-west-1", LATER, 3)]);
  join = runCli(["join", "--lake", lake, "--day", DAY]);
  fs.mkdirSync(p("notes", "drafts"), { recursive: true });
  fs.writeFileSync(p("notes", "todo.txt"), "the user's own file\n");
  fs.writeFileSync(p("notes", "drafts", "a.md"), "# draft\n");
  fs.writeFileSync(p("a-file"), "not a folder\n");
});
afterAll(() => roots.forEach((r) => fs.rmSync(r, { recursive: true, force: true })));

describe("a join that writes nothing leaves nothing", () => {
  it("joins the region with history and leaves no file or folder for the one without", () => {
    expect(join.status, join.stderr).toBe(0);
    const summaries = join.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { region: string; rows: number });
    expect(summaries.map((s) => [s.region, s.rows])).toEqual([
      ["eu-west-1", 0],
      ["us-east-1", 2],
    ]);
    // Worked by hand: one partition with its one file; no eu-west-1 folder, no hidden .part-*.tmp.
    expect(Object.keys(treeState(path.join(lake, "athena-audit", "events"))).sort()).toEqual([
      `dt=${DAY}`,
      `dt=${DAY}/region=us-east-1`,
      `dt=${DAY}/region=us-east-1/part-00000.parquet`,
    ]);
  });
});

describe("each misuse exits non-zero with one line and changes nothing on disk", () => {
  const missing = () => p("no-such-folder");
  const cases: [string, () => string[], () => string][] = [
    [
      "demo into a folder of the user's",
      () => ["demo", "--lake", p("notes"), "--out", p("out"), "--days", "1"],
      () => `--lake ${p("notes")}`,
    ],
    ["demo into a file", () => ["demo", "--lake", p("a-file"), "--out", p("out"), "--days", "1"], () => `--lake ${p("a-file")}`],
    [
      "demo --out a file (the new lake is not made either)",
      () => ["demo", "--lake", p("new-lake"), "--out", p("a-file")],
      () => `--out ${p("a-file")}`,
    ],
    [
      "join on a day with no data",
      () => ["join", "--lake", lake, "--day", "2020-01-01"],
      () => `no history or CloudTrail for 2020-01-01 in ${lake}`,
    ],
    ["join on a missing lake", () => ["join", "--lake", missing(), "--day", DAY], missing],
    [
      "report --out a file",
      () => ["report", "--lake", lake, "--out", p("a-file"), "--days", "2", "--end", DAY],
      () => `--out ${p("a-file")}`,
    ],
    [
      "report --out below a file",
      () => ["report", "--lake", lake, "--out", p("a-file", "pages"), "--end", DAY],
      () => `${p("a-file")} is a file`,
    ],
    [
      "report on a folder that is no lake",
      () => ["report", "--lake", p("notes"), "--out", p("out")],
      () => `the lake ${p("notes")} holds no events table`,
    ],
    ["report on a missing lake", () => ["report", "--lake", missing(), "--out", p("out")], missing],
    ["migrate-accounts on a missing lake", () => ["migrate-accounts", "--lake", missing(), "--account", ACCOUNT_ID], missing],
    [
      "migrate-accounts on a folder that is no lake",
      () => ["migrate-accounts", "--lake", p("notes"), "--account", ACCOUNT_ID],
      () => p("notes"),
    ],
    ["migrate-accounts --account 12345", () => ["migrate-accounts", "--lake", lake, "--account", "12345"], () => "--account"],
    ["report --days 1000000", () => ["report", "--lake", lake, "--out", p("out"), "--days", "1000000"], () => "--days"],
    ["report --days 99999999999", () => ["report", "--lake", lake, "--out", p("out"), "--days", "99999999999"], () => "--days"],
    ["report --concurrency 0", () => ["report", "--engine", "athena", "--out", p("out"), "--concurrency", "0"], () => "--concurrency"],
    ["demo --days 184", () => ["demo", "--lake", p("new-lake"), "--out", p("out"), "--days", "184"], () => "--days"],
    ["demo --seed 2^31", () => ["demo", "--lake", p("new-lake"), "--out", p("out"), "--seed", "2147483648"], () => "--seed"],
    ["issues sync --max-new 101", () => ["issues", "sync", "--max-new", "101"], () => "--max-new"],
    ["issues sync --alert-days 3661", () => ["issues", "sync", "--anomalies", "--alert-days", "3661"], () => "--alert-days"],
    ["collect-history --backfill-days 46", () => ["collect-history", "--backfill-days", "46"], () => "--backfill-days"],
  ];

  it.each(cases)("%s", (_name, args, named) => {
    const before = treeState(work);
    const run = runCli(args());
    expect(run.status).not.toBe(0);
    const lines = run.stderr.trimEnd().split("\n");
    expect(lines, run.stderr).toHaveLength(1);
    expect(lines[0]).toContain(named());
    expect(treeState(work)).toEqual(before);
  });
});

describe("what the command was asked to write, it writes", () => {
  it("report writes into a folder it creates, below ones that do not exist yet", () => {
    const out = p("reports", "2026", "october");
    const run = runCli(["report", "--lake", lake, "--out", out, "--days", "2", "--end", DAY]);
    expect(run.status, run.stderr).toBe(0);
    expect(fs.existsSync(path.join(out, "index.md"))).toBe(true);
  });

  it("demo replaces a lake it made, the default .demo-lake, and with --force a folder of the user's", () => {
    const dir = tempDir("misuse-demo");
    roots.push(dir);
    const demo = (lakeDir: string, ...extra: string[]) =>
      runCli(["demo", "--lake", lakeDir, "--out", path.join(dir, "out"), "--days", "1", ...extra], dir);
    const generated = (lakeDir: string) => fs.readdirSync(lakeDir).sort();
    const made = path.join(dir, "made");
    expect(demo(made).status).toBe(0);
    expect(generated(made)).toEqual([DEMO_MARKER, "AWSLogs", "athena-audit", "s3tablescatalog"]);
    fs.writeFileSync(path.join(made, "stray.txt"), "left in the demo's lake\n");
    expect(demo(made).status).toBe(0);
    expect(generated(made)).toEqual([DEMO_MARKER, "AWSLogs", "athena-audit", "s3tablescatalog"]);

    // A lake of a version before the marker, in the default place: still the demo's to replace.
    fs.mkdirSync(path.join(dir, ".demo-lake"));
    fs.writeFileSync(path.join(dir, ".demo-lake", "old.txt"), "an older demo's file\n");
    expect(runCli(["demo", "--out", path.join(dir, "out"), "--days", "1"], dir).status).toBe(0);
    expect(generated(path.join(dir, ".demo-lake"))).toEqual([DEMO_MARKER, "AWSLogs", "athena-audit", "s3tablescatalog"]);

    // The check can fail: the same refusal as above, then --force, and the tree is no longer the user's.
    const users = path.join(dir, "users");
    fs.mkdirSync(users);
    fs.writeFileSync(path.join(users, "todo.txt"), "the user's own file\n");
    const before = treeState(users);
    expect(demo(users).status).not.toBe(0);
    expect(treeState(users)).toEqual(before);
    const forced = demo(users, "--force");
    expect(forced.status, forced.stderr).toBe(0);
    expect(treeState(users)).not.toEqual(before);
    expect(generated(users)).toEqual([DEMO_MARKER, "AWSLogs", "athena-audit", "s3tablescatalog"]);
  });
});

describe("the decisions, on facts worked by hand", () => {
  it("every numeric flag takes its range's ends and refuses one past them, and anything not plainly digits", () => {
    const range = wholeNumberIn(1, 3660, "ten years");
    expect([range("1"), range("3660")]).toEqual([1, 3660]);
    for (const bad of ["0", "3661", "1e3", "0x10", "", " 5", "-1", "2.5", "99999999999"])
      expect(() => range(bad)).toThrow(InvalidArgumentError);
    expect(NUMBER_FLAGS.maxNew("0")).toBe(0);
    expect(NUMBER_FLAGS.seed("0")).toBe(0);
    expect(() => NUMBER_FLAGS.backfillDays("46")).toThrow("from 1 to 45");
  });

  const folder = (resolved: string, entries: string[]): PathFacts => ({
    resolved,
    kind: "folder",
    entries,
    existing: resolved,
    existingIsFolder: true,
    existingWritable: true,
  });
  const context = { force: false, cwd: "/home/ana/project", home: "/home/ana" };

  it("demo replaces only a marked folder, the default one, or with --force; never one holding the working directory", () => {
    expect(demoLakeAction("x", folder("/data/x", []), context)).toBe("create");
    expect(demoLakeAction("x", folder("/data/x", [DEMO_MARKER, "AWSLogs"]), context)).toBe("replace");
    expect(demoLakeAction(".demo-lake", folder("/home/ana/project/.demo-lake", ["AWSLogs"]), context)).toBe("replace");
    expect(() => demoLakeAction("x", folder("/data/x", ["AWSLogs"]), context)).toThrow(
      "--lake x is not empty and the demo did not make it",
    );
    expect(demoLakeAction("x", folder("/data/x", ["AWSLogs"]), { ...context, force: true })).toBe("replace");
    for (const [dir, resolved] of [
      [".", "/home/ana/project"],
      ["..", "/home/ana"],
      ["/", "/"],
      ["~", "/home/ana"],
    ] as const)
      expect(() => demoLakeAction(dir, folder(resolved, [DEMO_MARKER, "src"]), { ...context, force: true })).toThrow("never empties it");
    const underFile: PathFacts = { ...folder("/data/f/lake", []), kind: "missing", existing: "/data/f", existingIsFolder: false };
    expect(() => demoLakeAction("lake", underFile, context)).toThrow("cannot be created: /data/f is a file");
  });
});
