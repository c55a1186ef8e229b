/**
 * `join`: history with CloudTrail into the events and access tables, for a day (default: yesterday,
 * UTC) or a range, on the embedded engine over a lake folder or on Athena as the join Lambda runs
 * it. `join-events`, the Athena join's old name, is refused with the form that replaced it.
 */
import { Command } from "commander";
import { TbDefinition } from "../core/cost";
import { InputError } from "../core/errors";
import { systemTablePrefix } from "../core/layout";
import { DEFAULT_PREFIX } from "../core/names";
import { logJson, logLine } from "../core/output/log";
import { parseJoinInput } from "../functions/join/input";
import { DuckDbEngine } from "../queries/duckdb/engine";
import { warningLines } from "../queries/lake/checked";
import { cloudTrailRegions, historyRegions } from "../queries/lake/files";
import { checkLakeNames } from "../queries/lake/safety";
import { QUERY_EXECUTIONS } from "../queries/schema/system-tables";
import { ATHENA_JOIN_ENVIRONMENT_HELP, joinOnAthena } from "./aws-commands";
import { dayInputs, emptyDaysProblem } from "./checks";
import { DayOptions, definedOnly, EngineName, engineOption, progressBar, tbOption, withDayOptions } from "./options";
import { joinDays } from "./pipeline";

interface JoinOptions extends DayOptions {
  engine: EngineName;
  lake?: string;
  region?: string[];
  prefix: string;
  tb: TbDefinition;
  systemTables?: boolean;
}

/**
 * The flags only the embedded engine reads, by option name. On Athena the join's settings come from
 * the environment, as its Lambda's do, so these are refused there rather than ignored.
 */
const EMBEDDED_ONLY: Record<string, string> = {
  lake: "--lake",
  region: "--region",
  prefix: "--prefix",
  tb: "--tb",
  systemTables: "--system-tables",
};

async function joinEmbedded(o: JoinOptions, days: readonly string[]): Promise<void> {
  if (o.lake === undefined) throw new InputError("join --engine duckdb needs --lake DIR (or --engine athena)");
  const lake = o.lake;
  checkLakeNames({ prefix: o.prefix });
  for (const region of o.region ?? []) checkLakeNames({ region });
  const engine = await DuckDbEngine.open({ root: lake, prefix: o.prefix });
  try {
    const regions = o.region ?? historyRegions(engine.lake);
    // A mistyped region or prefix matches no folder: say so instead of "joining" nothing.
    const known = [...new Set([...historyRegions(engine.lake), ...cloudTrailRegions(engine.lake)])].sort();
    const unknown = regions.filter((r) => !known.includes(r));
    if (regions.length === 0)
      throw new InputError(`the lake ${lake} holds no history under prefix ${o.prefix}; pass --region to join CloudTrail alone`);
    if (unknown.length > 0)
      throw new InputError(`no history or CloudTrail for region ${unknown.join(", ")} in ${lake} (it has: ${known.join(", ")})`);
    const empty = emptyDaysProblem(lake, regions, new Map(days.map((d) => [d, dayInputs(engine.lake, d, regions)])));
    if (empty) throw new InputError(empty);
    for (const summary of await joinDays(engine, days, regions, progressBar(), { tb: o.tb, systemTables: o.systemTables })) {
      console.log(logJson(summary));
      if (summary.kept)
        console.error(logLine(`warning: ${summary.day} ${summary.region}: kept the events partition as it was: ${summary.kept}`));
      for (const line of [...warningLines("history", summary.history), ...warningLines("CloudTrail", summary.cloudTrail)])
        console.error(line);
    }
  } finally {
    await engine.close();
  }
}

export function registerJoinCommand(program: Command): void {
  withDayOptions(program.command("join"))
    .description(
      "join history with CloudTrail into the events table: over a lake folder (--engine duckdb, the default), " +
        "or on Athena (--engine athena: the join Lambda's code, your AWS credentials)",
    )
    .addOption(engineOption())
    .option("--lake <dir>", "the lake folder (duckdb)")
    .option("--region <region...>", "regions to join (duckdb; default: every region with history)")
    .option("--prefix <prefix>", "key prefix of the audit's tables (duckdb)", DEFAULT_PREFIX)
    .addOption(tbOption())
    .option(
      "--system-tables",
      `also read the lake's copy of Athena's system table (${systemTablePrefix(QUERY_EXECUTIONS)}) as a second witness (duckdb)`,
    )
    .addHelpText("after", "\nWith --engine athena the join reads its settings from the environment, as its Lambda does.")
    .addHelpText("after", ATHENA_JOIN_ENVIRONMENT_HELP)
    .action(async (o: JoinOptions, command: Command) => {
      // Checked before anything is read: a day not over yet, a range too long, a flag the engine ignores.
      const days = parseJoinInput(definedOnly({ day: o.day, from: o.from, to: o.to }), new Date());
      if (o.engine === "duckdb") return joinEmbedded(o, days);
      const ignored = Object.keys(EMBEDDED_ONLY).filter((name) => command.getOptionValueSource(name) === "cli");
      if (ignored.length > 0) {
        const flags = ignored.map((name) => EMBEDDED_ONLY[name]).join(", ");
        throw new InputError(
          `${flags} ${ignored.length > 1 ? "apply" : "applies"} to --engine duckdb only: on Athena the join reads its ` +
            "settings from the environment, as its Lambda does (athena-audit join --help)",
        );
      }
      return joinOnAthena(days);
    });

  // The Athena join's old name: refused, with the user's own flags, in the form that replaced it.
  program
    .command("join-events", { hidden: true })
    .helpOption(false)
    .allowUnknownOption()
    .allowExcessArguments()
    .action((_options: unknown, command: Command) => {
      const replacement = ["athena-audit join --engine athena", ...command.args].join(" ");
      return Promise.reject(new InputError(`join-events is now join --engine athena: ${replacement}`));
    });
}
