-- heaviest_queries: the heaviest single run of each query shape over a period, with how often the
-- shape ran. A nightly job's runs or a dashboard's refreshes are one row, not the whole page.
--
-- The shape is cost_by_query_shape's, the same expression word for word (see the comment there:
-- literals masked, comments dropped, white space folded), so a shape's runs, bytes and cost here
-- are its row there. The :limit shapes whose heaviest run scanned most have a row each, ranked by
-- that run's bytes; the run is the one whose id, text and figures the row shows.
-- Events are read once (Athena evaluates a WITH clause once per reference): each shape's totals and
-- its heaviest run come from window functions over the same rows.
WITH runs AS (
  SELECT
    query_execution_id,
    event_time,
    coalesce(principal_arn, '(unattributed)') AS principal,
    work_group,
    database_name,
    state,
    data_scanned_bytes,
    -- Priced now, in the report's TB (docs/internals/cost-rules.md).
    CASE WHEN cost_usd > 0 THEN
      greatest(ceil(CAST(data_scanned_bytes AS double) / :billing_mb_bytes), CAST(:billing_minimum_mb AS double))
        * :billing_mb_bytes * :billing_usd_per_tb / :billing_tb_bytes
    ELSE cost_usd END AS cost_usd,
    total_execution_ms,
    query_text,
    region,
    account_id,
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
shapes AS (
  SELECT
    runs.*,
    -- A run without bytes is never its shape's heaviest, but it counts among the shape's runs.
    row_number() OVER (
      PARTITION BY query_shape ORDER BY data_scanned_bytes IS NULL, data_scanned_bytes DESC, query_execution_id
    ) AS shape_row,
    count(*) OVER (PARTITION BY query_shape) AS shape_runs,
    coalesce(sum(data_scanned_bytes) OVER (PARTITION BY query_shape), 0) AS shape_data_scanned_bytes,
    coalesce(sum(cost_usd) OVER (PARTITION BY query_shape), 0) AS shape_cost_usd
  FROM runs
)
SELECT *
FROM (
  SELECT
    query_execution_id,
    event_time,
    principal,
    work_group,
    database_name,
    state,
    data_scanned_bytes,
    cost_usd,
    total_execution_ms,
    query_text,
    region,
    account_id,
    shape_runs,
    shape_data_scanned_bytes,
    shape_cost_usd,
    row_number() OVER (ORDER BY data_scanned_bytes DESC, query_execution_id) AS rank
  FROM shapes
  WHERE shape_row = 1
    AND data_scanned_bytes IS NOT NULL
) AS ranked
WHERE rank <= :limit
ORDER BY rank
