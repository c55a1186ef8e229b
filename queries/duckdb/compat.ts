/**
 * The compatibility layer that lets the saved Athena (Trino) SQL run unchanged on DuckDB.
 * Each macro gives DuckDB a Trino function it lacks, with Trino's meaning. Everything else the
 * saved SQL uses (count_if, bool_or, greatest, regexp_extract, array_agg, array_sort, struct
 * field access, UNNEST ... AS t(x), FULL OUTER JOIN, window functions) exists in both dialects.
 *
 * regexp_replace is the one macro that stands in for a DuckDB function of the same name, because the
 * two disagree on it: Trino replaces every match and writes group references as `$1`; DuckDB replaces
 * the first match unless given the 'g' option, and writes them `\1`. The macro calls DuckDB's own
 * (`system.main.regexp_replace`) with 'g' and `$` turned into `\`. So a saved query's replacement
 * may use `$0`-`$9` and plain text only: no other `$`, no backslash (Trino reads `\x` as `x`, DuckDB
 * would not), which keeps the two meanings the same. The patterns themselves must stay in what Java's
 * syntax (Trino, through joni) and RE2 (DuckDB) read alike: classes, `(?:)`, `*?`, no look-around,
 * no back-references, nothing that can match the empty string (the two step past an empty match
 * differently), explicit white-space classes rather than `\s` (they disagree on \x0B), and `$`
 * only where it makes no difference that Java also matches it before a final newline. A group that
 * took no part in the match gives '' in both. DuckDB code that wants DuckDB's own four-argument
 * form calls `system.main.regexp_replace`.
 *
 * transform(array, x -> ...) is the one Trino function DuckDB has under another name only
 * (list_transform), and a macro cannot pass a lambda on: `toDuckDbSql` renames the call in the SQL's
 * code, never inside literals, quoted identifiers or comments.
 *
 * Known differences the SQL must respect instead (checked by the saved-query tests):
 * - regexp_extract returns '' on DuckDB and NULL on Trino when nothing matches: wrap in nullif(..., '').
 * - Trino's date_add(unit, n, x) clashes with DuckDB's date_add(x, interval): use `x + INTERVAL`.
 * - A date plus or minus an INTERVAL is a date on Trino but a timestamp on DuckDB: cast it back to
 *   date before making text of it (`CAST(CAST(d - INTERVAL '1' DAY AS date) AS varchar)`), or
 *   DuckDB's '2026-10-24 00:00:00' sorts after the partition '2026-10-24'.
 * - Parameters are `?` on both; Athena receives them as literal text, DuckDB binds them.
 * - from_iso8601_timestamp's result is for a CAST to timestamp only (the macro above): it is the
 *   text's local time on both, which is the instant for the UTC texts the collector writes.
 * - contains(array, x) is NULL on Trino when x is not found and the array holds a NULL; DuckDB says
 *   false. Write `coalesce(contains(a, x), false)` where the array may hold NULLs.
 */
import { LITERALS_AND_COMMENTS } from "../parameters";

export const COMPAT_MACROS: readonly string[] = [
  // Trino: JSON path on JSON text, NULL when missing or not a scalar.
  "CREATE OR REPLACE MACRO json_extract_scalar(doc, path) AS json_extract_string(doc, path)",
  // Trino: ISO-8601 text to a timestamp with the text's own zone, which a CAST to timestamp turns
  // into its local time ('…T12:00:00+02:00' gives 12:00). DuckDB's TIMESTAMPTZ holds no zone and
  // would give the UTC instant (10:00), so this gives the text's local time as a timestamp: the
  // saved SQL only ever casts the result to timestamp, where the two then agree.
  "CREATE OR REPLACE MACRO from_iso8601_timestamp(text) AS " +
    "CAST(system.main.regexp_replace(text, '(Z|[+-][0-9]{2}(:?[0-9]{2})?)$', '') AS TIMESTAMP)",
  // Trino: sequence(start, stop, step) is an array; DuckDB calls it generate_series.
  "CREATE OR REPLACE MACRO sequence(start_value, stop_value, step) AS generate_series(start_value, stop_value, step)",
  // Trino: array_join(array, separator) skips NULL elements, so an array of NULLs gives '' (DuckDB's
  // array_to_string gives NULL); a NULL array stays NULL.
  "CREATE OR REPLACE MACRO array_join(items, separator) AS " +
    "CASE WHEN items IS NULL THEN NULL ELSE coalesce(array_to_string(items, separator), '') END",
  // Trino: regexp_like(text, pattern), a partial match.
  "CREATE OR REPLACE MACRO regexp_like(text, pattern) AS regexp_matches(text, pattern)",
  // Trino's slice(array, start, length); DuckDB's list_slice takes the end position.
  "CREATE OR REPLACE MACRO slice(items, start_at, len) AS list_slice(items, start_at, start_at + len - 1)",
  // Trino: approx_percentile(x, p), the group's value at rank floor(p * n) of its n non-NULL values
  // counted from 0 (exact on groups as small as the audit's, days of a principal): [1,2,3,4] gives 3
  // at 0.5, where DuckDB's quantile_disc gives 2. NULL for a group of no values.
  "CREATE OR REPLACE MACRO approx_percentile(x, p) AS " +
    "list_sort(list_filter(list(x), v -> v IS NOT NULL))[CAST(least(floor(p * count(x)), count(x) - 1) AS BIGINT) + 1]",
  // Trino: regexp_replace(text, pattern, replacement) replaces every match; `$1` is group 1 (see above).
  "CREATE OR REPLACE MACRO regexp_replace(text, pattern, replacement) AS " +
    "system.main.regexp_replace(text, pattern, replace(replacement, '$', '\\'), 'g')",
];

/** Session settings that make DuckDB read and print instants as Athena does (UTC). */
export const SESSION_SETTINGS: readonly string[] = ["SET TimeZone = 'UTC'"];

/** Trino functions DuckDB has under another name, renamed where the SQL calls them (see above). */
const RENAMED_CALLS = new RegExp(`${LITERALS_AND_COMMENTS}|\\btransform(?=\\s*\\()`, "gi");

/** The saved SQL as DuckDB must read it: Trino-only function names replaced by DuckDB's. */
export function toDuckDbSql(sql: string): string {
  return sql.replace(RENAMED_CALLS, (span) => (/^transform$/i.test(span) ? "list_transform" : span));
}
