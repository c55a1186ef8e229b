-- cost_by_query_shape: queries grouped by their shape (the same query with other values) over a
-- period: runs, bytes in all and per run, cost, callers, and what result reuse did and could do.
--
-- The shape is the query text lower-cased, comments dropped, every string literal made '?' and
-- every number that is not part of a name made ?, white space folded to one space. One pass drops
-- comments and empties strings while keeping quoted identifiers whole, so a quote inside a comment
-- or a -- inside a string cannot unbalance the rest; an unterminated string or comment runs to the
-- end. (Digits inside a quoted identifier after a space are masked too: "col 1" becomes "col ?".)
-- The same steps in Trino and DuckDB: regexp_replace replaces every match on both (see
-- queries/duckdb/compat.ts), `$1` is group 1, and the patterns are read alike by Java and RE2.
--
-- Result reuse: events carry ReusedPreviousResult, not whether reuse was enabled, so reused_runs
-- counts the runs Athena answered from an earlier result. repeat_runs are the runs it would have
-- answered had reuse been on with its default 60-minute maximum age: a SELECT that succeeded and
-- scanned (not reused), whose text, word for word, the same IAM user or role had run successfully,
-- with a scan of its own, in the same region, work group, catalog and database, finishing at most
-- an hour before this one was submitted. Athena's other conditions (same result configuration,
-- access to the earlier result) are taken as met for the same caller. repeat_cost_usd is what those
-- runs were billed. Unattributed queries are never repeats. The :limit shapes that cost most have a
-- row each; the rest are summed as (other shapes), so the rows add up to the period.
-- Events are read once (Athena evaluates a WITH clause once per reference): each shape's rank comes
-- from window functions over the same rows, not from a second grouping joined back.
WITH runs AS (
  SELECT
    query_execution_id,
    region,
    work_group,
    catalog_name,
    database_name,
    principal_arn,
    iam_principal_arn,
    query_text,
    substatement_type,
    state,
    coalesce(result_reused, false) AS result_reused,
    submitted_at,
    completed_at,
    coalesce(data_scanned_bytes, 0) AS data_scanned_bytes,
    -- Priced now, in the report's TB (docs/internals/cost-rules.md).
    coalesce(
      CASE WHEN cost_usd > 0 THEN
        greatest(ceil(CAST(data_scanned_bytes AS double) / :billing_mb_bytes), CAST(:billing_minimum_mb AS double))
          * :billing_mb_bytes * :billing_usd_per_tb / :billing_tb_bytes
      ELSE cost_usd END,
      0
    ) AS cost_usd,
    coalesce(
      nullif(
        -- 6. trim the ends
        regexp_replace(
          -- 5. fold white space
          regexp_replace(
            -- 4. a number that does not continue a name or a quoted identifier becomes ?
            regexp_replace(
              -- 3. emptied strings become '?'
              replace(
                -- 2. one pass: a quoted identifier stays ($1), a string literal becomes '' ($2$2), a comment goes
                regexp_replace(
                  -- 1. a block comment cannot glue the words around it together
                  replace(replace(lower(query_text), '/*', ' /*'), '*/', '*/ '),
                  '("[^"]*(?:""[^"]*)*(?:"|$))|('')[^'']*(?:''''[^'']*)*(?:''|$)|--[^\n]*|/\*[\s\S]*?(?:\*/|$)',
                  '$1$2$2'
                ),
                '''''',
                '''?'''
              ),
              '(^|[^a-z0-9_."])(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:e[+-]?[0-9]+)?',
              '$1?'
            ),
            '[ \t\n\r\f]+',
            ' '
          ),
          '^ | $',
          ''
        ),
        ''
      ),
      '(no query text)'
    ) AS query_shape
  FROM events
  WHERE dt BETWEEN :window_from AND :window_to
),
results AS (
  SELECT
    runs.*,
    substatement_type = 'SELECT' AND state = 'SUCCEEDED' AND NOT result_reused AND data_scanned_bytes > 0 AS fresh
  FROM runs
),
repeats AS (
  SELECT
    results.*,
    fresh
    AND cost_usd > 0
    AND iam_principal_arn IS NOT NULL
    AND coalesce(
      max(CASE WHEN fresh THEN completed_at END) OVER (
        PARTITION BY region, work_group, catalog_name, database_name, iam_principal_arn, query_text
        ORDER BY submitted_at, query_execution_id
        ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING
      ) BETWEEN submitted_at - INTERVAL '1' HOUR AND submitted_at,
      false
    ) AS is_repeat
  FROM results
),
shape_totals AS (
  SELECT
    repeats.*,
    sum(cost_usd) OVER (PARTITION BY query_shape) AS shape_cost_usd,
    count(*) OVER (PARTITION BY query_shape) AS shape_runs,
    row_number() OVER (PARTITION BY query_shape) AS shape_row
  FROM repeats
),
ranked AS (
  -- A shape's rank: the shapes up to it in this order, each counted on one of its rows. A shape's
  -- rows are peers in the order (same cost, runs and text), so all of them get its count.
  SELECT
    shape_totals.*,
    sum(CASE WHEN shape_row = 1 THEN 1 ELSE 0 END) OVER (ORDER BY shape_cost_usd DESC, shape_runs DESC, query_shape) AS rank
  FROM shape_totals
),
labelled AS (
  SELECT
    ranked.*,
    CASE WHEN rank <= :limit THEN query_shape ELSE '(other shapes)' END AS shown_shape
  FROM ranked
)
SELECT
  shown_shape AS query_shape,
  count(*) AS runs,
  count(DISTINCT principal_arn) AS principals,
  sum(data_scanned_bytes) AS data_scanned_bytes,
  CAST(ceil(sum(data_scanned_bytes) / CAST(count(*) AS double)) AS bigint) AS bytes_per_run,
  sum(cost_usd) AS cost_usd,
  count_if(result_reused) AS reused_runs,
  count_if(is_repeat) AS repeat_runs,
  sum(CASE WHEN is_repeat THEN cost_usd ELSE 0 END) AS repeat_cost_usd
FROM labelled
GROUP BY shown_shape
ORDER BY min(rank)
