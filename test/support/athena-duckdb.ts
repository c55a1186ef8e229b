/**
 * A scripted answer for the local Athena server that runs the query on DuckDB: ExecutionParameters
 * arrive as SQL literals (as Athena receives them) and go back to values; rows go out as Athena's
 * text cells with Athena's type names. So the Athena engine can be tested end to end on real SQL.
 */
import { DuckDbEngine } from "../../queries/duckdb/engine";
import { Value } from "../../queries/engine";
import { ScriptedQuery } from "./athena-server";
import { present } from "./defined";
import { namedFromPositional } from "./execution-parameters";

const ATHENA_TYPES: [RegExp, string][] = [
  [/^(big|huge)int$/, "bigint"],
  [/^(integer|int|smallint|tinyint)$/, "integer"],
  [/^(double|float|real|decimal.*)$/, "double"],
  [/^boolean$/, "boolean"],
  [/^timestamp/, "timestamp"],
  [/^date$/, "date"],
];

/** Athena's name for a DuckDB result type (DuckDB sums a bigint to a hugeint; Athena keeps bigint). */
export function athenaType(duckType: string): string {
  return ATHENA_TYPES.find(([re]) => re.test(duckType))?.[1] ?? "varchar";
}

/** A value as Athena's GetQueryResults spells it in a text cell. */
export function cell(value: Value, type: string): string | null {
  if (value === null) return null;
  if (type === "timestamp") return String(value).replace("T", " ").replace("Z", "");
  return String(value);
}

export function duckdbScript(engine: DuckDbEngine): (sql: string, parameters?: string[]) => ScriptedQuery {
  return (sql, parameters = []) => {
    const script: ScriptedQuery = { runningPolls: 1 };
    script.effect = async () => {
      try {
        const named = namedFromPositional(sql, parameters);
        const result = await engine.run(named.sql, named.parameters);
        const columns = result.columns.map((c) => ({ name: c.name, type: athenaType(c.type) }));
        script.columns = columns;
        script.rows = result.rows.map((row) => columns.map((c) => cell(present(row[c.name], `column ${c.name} of a row`), c.type)));
      } catch (error) {
        script.state = "FAILED";
        script.errorMessage = (error as Error).message;
      }
    };
    return script;
  };
}
