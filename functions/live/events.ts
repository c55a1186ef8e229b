/**
 * The two EventBridge events the live path takes, read as AWS sends them (every field untrusted):
 * - "Athena Query State Change" (source aws.athena): `detail.queryExecutionId`, `currentState`,
 *   `workgroupName`; only the final states matter;
 * - "AWS API Call via CloudTrail" for athena.amazonaws.com's StartQueryExecution: who started the
 *   query (`detail.userIdentity`), from where, and `detail.responseElements.queryExecutionId`.
 * Anything else is answered "ignored", not thrown: a rule wider than needed must not make Lambda retry.
 */

/** Athena's half of a query: it finished. */
export interface Finished {
  half: "finished";
  queryId: string;
  state: "SUCCEEDED" | "FAILED" | "CANCELLED";
  workGroup: string;
  account: string;
  region: string;
  /** When EventBridge says the state changed (ISO). */
  time: string;
}

/** CloudTrail's half: who started it. */
export interface Started {
  half: "started";
  queryId: string;
  /** The IAM user or role (a session's issuer), as the daily join names principals (`iam_principal_arn`). */
  principal: string;
  /** The caller as CloudTrail names it: an assumed-role session's ARN, or the user's. */
  caller: string;
  onBehalfOf?: string;
  sourceIp?: string;
  userAgent?: string;
  /** When the query was started (CloudTrail's eventTime, ISO): the time probing windows count in. */
  time: string;
  account: string;
  region: string;
}

export type LiveEvent = Finished | Started;

const FINAL = new Set(["SUCCEEDED", "FAILED", "CANCELLED"]);
/** Athena's query ids are UUIDs; anything else would not be safe in an S3 key or a link. */
const QUERY_ID = /^[A-Za-z0-9][A-Za-z0-9-]{0,127}$/;
const ACCOUNT = /^\d{12}$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;

const record = (value: unknown): Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
const text = (value: unknown): string | undefined => (typeof value === "string" && value !== "" ? value : undefined);
const isoTime = (value: unknown): string | undefined => {
  const t = text(value);
  return t && !Number.isNaN(Date.parse(t)) ? new Date(t).toISOString() : undefined;
};

/** The event's half of a query, or why it is not one. */
export function readEvent(input: unknown): LiveEvent | { ignored: string } {
  const event = record(input);
  const detail = record(event.detail);
  const detailType = text(event["detail-type"]);
  const account = text(event.account);
  const region = text(event.region);
  const time = isoTime(event.time);
  if (!account || !ACCOUNT.test(account) || !region || !REGION.test(region) || !time)
    return { ignored: "not an EventBridge event (account, region or time missing)" };
  if (detailType === "Athena Query State Change" && event.source === "aws.athena") {
    const queryId = text(detail.queryExecutionId);
    const state = text(detail.currentState);
    if (!queryId || !QUERY_ID.test(queryId)) return { ignored: "a state change without a query id" };
    if (!state || !FINAL.has(state)) return { ignored: `a query not finished (${String(state)})` };
    return {
      half: "finished",
      queryId,
      state: state as Finished["state"],
      workGroup: text(detail.workgroupName) ?? "primary",
      account,
      region,
      time,
    };
  }
  if (detailType === "AWS API Call via CloudTrail") {
    if (detail.eventSource !== "athena.amazonaws.com" || detail.eventName !== "StartQueryExecution")
      return { ignored: "an API call other than Athena's StartQueryExecution" };
    // A call that failed started no query: it has errorCode and no responseElements.
    const queryId = text(record(detail.responseElements).queryExecutionId);
    if (!queryId || !QUERY_ID.test(queryId)) return { ignored: "a StartQueryExecution that started no query" };
    const identity = record(detail.userIdentity);
    const caller = text(identity.arn);
    const issuer = text(record(record(identity.sessionContext).sessionIssuer).arn);
    const principal = issuer ?? caller;
    if (!principal || !caller) return { ignored: "a StartQueryExecution without a caller ARN" };
    return {
      half: "started",
      queryId,
      principal,
      caller,
      onBehalfOf: text(record(identity.onBehalfOf).userId),
      sourceIp: text(detail.sourceIPAddress),
      userAgent: text(detail.userAgent),
      time: isoTime(detail.eventTime) ?? time,
      account,
      region,
    };
  }
  return { ignored: `an event of another type (${String(detailType)})` };
}
