/** Stack names name report folders and scope issues: checked once, in the command line, for everyone. */
import { Command, InvalidArgumentError } from "commander";
import { describe, expect, it } from "vitest";
import { accountList, stackName, stackReportsDir } from "../../cli/options";
import { registerReportCommands } from "../../cli/report-commands";

describe("stack names", () => {
  it.each(["../x", "..", ".", "a/b", "/etc", "", " main", "main\n", "a\\b", "Demo", "demo", "x".repeat(65)])("refuses %j", (name) => {
    expect(() => stackName(name)).toThrow(InvalidArgumentError);
  });

  it.each(["main", "eu", "prod-eu-west-1", "collector_2", "a..b", "lib", "templates"])(
    "accepts %j, as one folder under reports/published/",
    (name) => {
      expect(stackReportsDir(name)).toBe(`reports/published/${name}`);
    },
  );

  it("report --stack and issues sync --stack refuse a bad name before doing anything; --stack and --out exclude each other", async () => {
    const parse = (args: string[]) => {
      const program = new Command().exitOverride().configureOutput({ writeErr: () => undefined, writeOut: () => undefined });
      registerReportCommands(program);
      return program.parseAsync(args, { from: "user" });
    };
    await expect(parse(["report", "--engine", "athena", "--stack", "../x"])).rejects.toThrow(
      /argument '..\/x' is invalid. a stack name is/,
    );
    await expect(parse(["issues", "sync", "--stack", "../x"])).rejects.toThrow(/argument '..\/x' is invalid/);
    await expect(parse(["report", "--stack", "main", "--out", "/tmp/x"])).rejects.toThrow(/cannot be used with/);
  });

  it("report --expected-accounts takes 12-digit ids, comma-separated, and refuses anything else before doing anything", async () => {
    expect(accountList("210987654321, 109876543210,210987654321,")).toEqual(["210987654321", "109876543210"]);
    expect(accountList("")).toEqual([]);
    const program = new Command().exitOverride().configureOutput({ writeErr: () => undefined, writeOut: () => undefined });
    registerReportCommands(program);
    await expect(
      program.parseAsync(["report", "--engine", "athena", "--out", "/tmp/x", "--expected-accounts", "210987654321,prod"], { from: "user" }),
    ).rejects.toThrow(/expected 12-digit account ids separated by commas, got "prod"/);
  });
});
