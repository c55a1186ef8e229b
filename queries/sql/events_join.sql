-- events_join: Athena history joined with CloudTrail for one UTC day D and one region.
-- Who ran each query comes from CloudTrail (StartQueryExecution without errorCode); what it scanned
-- comes from history. Where CloudTrail names no one, Athena's system table (the second witness, when
-- it is on) may: its principal, and the tables it says each query read, are kept beside CloudTrail's.
-- Runs unchanged on Athena (INSERT INTO events ...) and DuckDB.
-- queries/join/parameters.ts derives the parameters from D, the region and the TB definition (billing).
WITH trail AS (
  SELECT
    json_extract_scalar(responseelements, '$.queryExecutionId') AS query_execution_id,
    -- CloudTrail writes 2024-01-01T00:00:00Z; some exports write 2024-01-01 00:00:00.
    substr(replace(eventtime, 'T', ' '), 1, 19) AS event_time_text,
    eventid,
    recipientaccountid,
    useridentity,
    sourceipaddress,
    useragent,
    json_extract_scalar(requestparameters, '$.workGroup') AS requested_work_group,
    json_extract_scalar(requestparameters, '$.queryExecutionContext.database') AS requested_database
  FROM cloudtrail
  WHERE region = :region
    -- Files delivered after midnight land in D+1's folder.
    AND day IN (:trail_day_before, :trail_day, :trail_day_after)
    AND eventsource = 'athena.amazonaws.com'
    AND eventname = 'StartQueryExecution'
    AND errorcode IS NULL
    AND json_extract_scalar(responseelements, '$.queryExecutionId') IS NOT NULL
    AND substr(replace(eventtime, 'T', ' '), 1, 19) >= :event_time_from
    AND substr(replace(eventtime, 'T', ' '), 1, 19) < :event_time_to
),
started AS (
  -- CloudTrail may deliver a record twice: keep one per execution.
  SELECT * FROM (
    SELECT trail.*, row_number() OVER (PARTITION BY query_execution_id ORDER BY event_time_text, eventid) AS copy_number
    FROM trail
  ) AS numbered_trail
  WHERE copy_number = 1
),
witness AS (
  -- witness:begin  Off: no second witness. queries/join/sql.ts puts queries/sql/system_witness.sql
  -- here when the setting turns Athena's system table on.
  SELECT
    CAST(NULL AS varchar) AS query_execution_id,
    CAST(NULL AS varchar) AS account_id,
    CAST(NULL AS varchar) AS principal_arn,
    split(CAST(NULL AS varchar), ',') AS tables_read
  WHERE false
  -- witness:end
),
witnessed AS (
  SELECT
    w.query_execution_id,
    w.account_id,
    w.principal_arn,
    w.tables_read,
    CASE
      WHEN w.principal_arn LIKE '%:assumed-role/%' THEN 'AssumedRole'
      WHEN w.principal_arn LIKE '%:user/%' THEN 'IAMUser'
      WHEN w.principal_arn LIKE '%:root' THEN 'Root'
    END AS principal_type,
    -- The session's role: its IAM ARN (with its path) is the session issuer CloudTrail showed for
    -- that role in the window, looked up below; without one, the role's ARN without a path.
    nullif(regexp_extract(w.principal_arn, '^(arn:[^:]+:sts::[0-9]+:assumed-role/[^/]+)/', 1), '') AS assumed_role,
    CASE WHEN w.principal_arn LIKE '%:assumed-role/%' THEN
      regexp_replace(w.principal_arn, '^arn:([^:]+):sts::([0-9]+):assumed-role/([^/]+)/.+', 'arn:$1:iam::$2:role/$3')
    END AS role_without_path,
    nullif(regexp_extract(w.principal_arn, '(:assumed-role/[^/]+/|:user/(?:[^/]+/)*)([^/]+)$', 2), '') AS user_name
  FROM witness AS w
),
executions AS (
  SELECT * FROM (
    SELECT history.*, row_number() OVER (PARTITION BY queryexecutionid ORDER BY dt, workgroup) AS copy_number
    FROM history
    -- D-1 .. D+1: a query's submission and its CloudTrail event may straddle midnight.
    WHERE region = :region AND dt BETWEEN :day_before AND :day_after
  ) AS numbered_history
  WHERE copy_number = 1
),
joined AS (
  -- Every row the window's witnesses and history make, before the day is picked: the role lookup sees
  -- all of the window's CloudTrail, as one read of it (Trino reads a WITH query once per reference).
  SELECT
    CAST(coalesce(s.event_time_text, substr(replace(e.status.submissiondatetime, 'T', ' '), 1, 19)) AS timestamp) AS event_time,
    -- CloudTrail's principal where it has one; otherwise the witness's.
    CASE WHEN s.query_execution_id IS NOT NULL THEN coalesce(s.recipientaccountid, s.useridentity.accountid) ELSE coalesce(w.account_id, e.account) END
      AS account_id,
    CASE WHEN s.query_execution_id IS NOT NULL THEN s.useridentity.arn ELSE w.principal_arn END AS principal_arn,
    CASE
      WHEN s.query_execution_id IS NOT NULL THEN coalesce(s.useridentity.sessioncontext.sessionissuer.arn, s.useridentity.arn)
      ELSE coalesce(w.role_without_path, w.principal_arn)
    END AS iam_principal_arn,
    CASE WHEN s.query_execution_id IS NOT NULL THEN s.useridentity.type ELSE w.principal_type END AS principal_type,
    CASE WHEN s.query_execution_id IS NOT NULL THEN s.useridentity.sessioncontext.sessionissuer.arn ELSE w.role_without_path END AS session_issuer_arn,
    CASE
      WHEN s.query_execution_id IS NOT NULL THEN
        coalesce(s.useridentity.username, nullif(regexp_extract(s.useridentity.arn, 'assumed-role/[^/]+/(.+)$', 1), ''))
      ELSE w.user_name
    END AS user_name,
    s.useridentity.onbehalfof.userid AS on_behalf_of,
    s.sourceipaddress AS source_ip,
    s.useragent AS user_agent,
    CASE
      WHEN s.query_execution_id IS NULL THEN NULL
      WHEN lower(coalesce(s.useragent, '')) LIKE '%quicksight%'
        OR lower(coalesce(s.useridentity.arn, '')) LIKE '%quicksight%' THEN 'quicksight'
      WHEN lower(coalesce(s.useragent, '')) LIKE '%jdbc%' THEN 'jdbc'
      WHEN lower(coalesce(s.useragent, '')) LIKE '%odbc%' THEN 'odbc'
      WHEN lower(coalesce(s.useragent, '')) LIKE '%glue%' THEN 'glue'
      WHEN lower(coalesce(s.useragent, '')) LIKE 'aws-cli/%' THEN 'cli'
      -- The console calls as `aws-internal/3 aws-sdk-java/...`: test it before the SDKs.
      WHEN lower(coalesce(s.useragent, '')) LIKE 'aws-internal%'
        OR lower(coalesce(s.useragent, '')) LIKE '%console%'
        OR lower(coalesce(s.useragent, '')) LIKE 'mozilla/%' THEN 'console'
      WHEN lower(coalesce(s.useragent, '')) LIKE '%aws-sdk%'
        OR lower(coalesce(s.useragent, '')) LIKE '%boto%' THEN 'sdk'
      WHEN s.useragent IS NULL THEN 'unknown'
      ELSE 'other'
    END AS client_family,
    coalesce(s.query_execution_id, e.queryexecutionid) AS query_execution_id,
    coalesce(e.workgroup, s.requested_work_group) AS work_group,
    e.queryexecutioncontext.catalog AS catalog_name,
    coalesce(e.queryexecutioncontext.database, s.requested_database) AS database_name,
    e.audit.referencedtables AS referenced_tables,
    e.query AS query_text,
    e.statementtype AS statement_type,
    e.substatementtype AS substatement_type,
    e.status.state AS state,
    e.status.athenaerror.errorcategory AS error_category,
    e.status.athenaerror.errortype AS error_type,
    e.status.athenaerror.errormessage AS error_message,
    e.statistics.datascannedinbytes AS data_scanned_bytes,
    -- Athena's billing rules, exactly as core/cost.ts defines them (the price and the unit are its
    -- billing parameters): failed queries, DDL (partition management is DDL) and queries that scanned
    -- nothing are free; any other query, cancelled ones included, pays for what it scanned, rounded up
    -- to whole MB with a minimum, per TB. Unknown without history. The reports price again in their own
    -- TB from data_scanned_bytes, billing the rows whose cost_usd > 0: this unit is only the column's.
    CASE
      WHEN e.queryexecutionid IS NULL THEN NULL
      WHEN e.status.state = 'FAILED' THEN CAST(0 AS double)
      WHEN e.statementtype = 'DDL' THEN CAST(0 AS double)
      WHEN coalesce(e.statistics.datascannedinbytes, 0) <= 0 THEN CAST(0 AS double)
      ELSE greatest(
          ceil(CAST(e.statistics.datascannedinbytes AS double) / CAST(:billing_mb_bytes AS double)),
          CAST(:billing_minimum_mb AS double)
        ) * CAST(:billing_mb_bytes AS double) * CAST(:billing_usd_per_tb AS double) / CAST(:billing_tb_bytes AS double)
    END AS cost_usd,
    e.statistics.engineexecutiontimeinmillis AS engine_execution_ms,
    e.statistics.queryqueuetimeinmillis AS queue_ms,
    e.statistics.queryplanningtimeinmillis AS planning_ms,
    e.statistics.totalexecutiontimeinmillis AS total_execution_ms,
    e.statistics.resultreuseinformation.reusedpreviousresult AS result_reused,
    CAST(from_iso8601_timestamp(e.status.submissiondatetime) AS timestamp) AS submitted_at,
    CAST(from_iso8601_timestamp(e.status.completiondatetime) AS timestamp) AS completed_at,
    e.engineversion.effectiveengineversion AS engine_version,
    s.query_execution_id IS NOT NULL OR w.principal_arn IS NOT NULL AS attributed,
    e.queryexecutionid IS NOT NULL AS in_history,
    CASE WHEN s.query_execution_id IS NOT NULL THEN 'cloudtrail' WHEN w.principal_arn IS NOT NULL THEN 'system_table' END AS principal_source,
    w.principal_arn AS witness_principal_arn,
    w.tables_read AS witnessed_tables,
    :day AS dt,
    :region AS region,
    -- For the role lookup and the day's rows, below.
    CASE WHEN s.useridentity.type = 'AssumedRole' THEN s.useridentity.sessioncontext.sessionissuer.arn END AS trail_issuer,
    coalesce(nullif(regexp_extract(s.useridentity.arn, '^(arn:[^:]+:sts::[0-9]+:assumed-role/[^/]+)/', 1), ''), w.assumed_role) AS role_key,
    w.assumed_role IS NOT NULL AND s.query_execution_id IS NULL AS witness_session,
    -- A row belongs to the day of its CloudTrail event; history that no record names, to its own day.
    coalesce(
      (s.query_execution_id IS NOT NULL AND s.event_time_text >= :day_start AND s.event_time_text < :day_end)
        OR (s.query_execution_id IS NULL AND e.dt = :day),
      false
    ) AS in_day
  FROM started AS s
  FULL OUTER JOIN executions AS e ON s.query_execution_id = e.queryexecutionid
  LEFT JOIN witnessed AS w ON w.query_execution_id = coalesce(s.query_execution_id, e.queryexecutionid)
)
SELECT
  event_time,
  account_id,
  principal_arn,
  CASE WHEN witness_session THEN coalesce(role_issuer, iam_principal_arn) ELSE iam_principal_arn END AS iam_principal_arn,
  principal_type,
  CASE WHEN witness_session THEN coalesce(role_issuer, session_issuer_arn) ELSE session_issuer_arn END AS session_issuer_arn,
  user_name,
  on_behalf_of,
  source_ip,
  user_agent,
  client_family,
  query_execution_id,
  work_group,
  catalog_name,
  database_name,
  referenced_tables,
  query_text,
  statement_type,
  substatement_type,
  state,
  error_category,
  error_type,
  error_message,
  data_scanned_bytes,
  cost_usd,
  engine_execution_ms,
  queue_ms,
  planning_ms,
  total_execution_ms,
  result_reused,
  submitted_at,
  completed_at,
  engine_version,
  attributed,
  in_history,
  principal_source,
  witness_principal_arn,
  witnessed_tables,
  dt,
  region
FROM (
  SELECT joined.*, max(trail_issuer) OVER (PARTITION BY role_key) AS role_issuer FROM joined
) AS looked_up
WHERE in_day
