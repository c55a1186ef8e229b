/**
 * The compatibility layer that lets the saved Athena (Trino) SQL run unchanged on DuckDB.
 * Each macro gives DuckDB a Trino function it lacks, with Trino's meaning. Everything else the
 * saved SQL uses (count_if, bool_or, greatest, regexp_extract, array_agg, array_sort, struct
 * field access, UNNEST ... AS t(x), FULL OUTER JOIN, window functions) exists in both dialects.
 *
 * Known differences the SQL must respect instead (checked by the saved-query tests):
 * - regexp_extract returns '' on DuckDB and NULL on Trino when nothing matches: wrap in nullif(..., '').
 * - Trino's date_add(unit, n, x) clashes with DuckDB's date_add(x, interval): use `x + INTERVAL`.
 * - Parameters are `?` on both; Athena receives them as literal text, DuckDB binds them.
 */
export const COMPAT_MACROS: readonly string[] = [
  // Trino: JSON path on JSON text, NULL when missing or not a scalar.
  "CREATE OR REPLACE MACRO json_extract_scalar(doc, path) AS json_extract_string(doc, path)",
  // Trino: ISO-8601 text to timestamp with time zone. Sessions run with TimeZone=UTC.
  "CREATE OR REPLACE MACRO from_iso8601_timestamp(text) AS CAST(text AS TIMESTAMPTZ)",
  // Trino: sequence(start, stop, step) is an array; DuckDB calls it generate_series.
  "CREATE OR REPLACE MACRO sequence(start_value, stop_value, step) AS generate_series(start_value, stop_value, step)",
  // Trino: array_join(array, separator).
  "CREATE OR REPLACE MACRO array_join(items, separator) AS array_to_string(items, separator)",
  // Trino: regexp_like(text, pattern), a partial match.
  "CREATE OR REPLACE MACRO regexp_like(text, pattern) AS regexp_matches(text, pattern)",
];

/** Session settings that make DuckDB read and print instants as Athena does (UTC). */
export const SESSION_SETTINGS: readonly string[] = ["SET TimeZone = 'UTC'"];
