/** The saved SQL texts in `queries/sql/`, read the same way from source and from compiled output. */
import * as fs from "node:fs";
import * as path from "node:path";
import { AuditError, InputError } from "../core/errors";

/** `queries/sql` beside this file in the source tree, or two levels up from `dist/queries` (compiled) and `dist/cli` (the CLI bundle). */
export function sqlDirectory(): string {
  const candidates = [path.join(__dirname, "sql"), path.join(__dirname, "..", "..", "queries", "sql")];
  const found = candidates.find((dir) => fs.existsSync(dir));
  if (!found) throw new AuditError(`saved SQL folder not found (looked in ${candidates.join(", ")})`);
  return found;
}

export function readSql(name: string): string {
  if (!/^[a-z0-9_]+$/.test(name)) throw new InputError(`not a saved query name: ${JSON.stringify(name)}`);
  const file = path.join(sqlDirectory(), `${name}.sql`);
  if (!fs.existsSync(file)) throw new InputError(`no saved query ${name} (${file})`);
  return fs.readFileSync(file, "utf8");
}

export function savedSqlNames(): string[] {
  return fs
    .readdirSync(sqlDirectory())
    .filter((f) => f.endsWith(".sql"))
    .map((f) => f.slice(0, -4))
    .sort();
}
