/**
 * IAM decisions for the contract test and the IAM-aware local S3: a request (principal, action,
 * resource, context) simulated with @cloud-copilot/iam-simulate in Strict mode against the
 * principal's identity policy and, for S3, the bucket's policy. The resource's account is its
 * owner's (a bucket's, a key's), so a caller from another account is judged as AWS judges it:
 * both its identity policy and the resource policy must allow. Decisions are cached: the same
 * request is asked many times during a run.
 */
import * as simulator from "@cloud-copilot/iam-simulate";

export interface PolicyDocument {
  Version?: string;
  Statement: Record<string, unknown>[];
}

/** One permission check AWS makes for a call (or on the caller's behalf). */
export interface IamRequest {
  /** The access key id of the caller, which names the role in the local servers. */
  principal: string;
  action: string;
  resource: string;
  context?: Record<string, string | string[]>;
  /** What the caller did, for messages: `S3 HeadObject s3://bucket/key`. */
  call: string;
  /** Set when a service makes the check on the caller's behalf (Athena, S3 with SSE-KMS, Lambda). */
  onBehalf?: string;
}

export interface Principal {
  /** Access key id the SDK signs with. */
  accessKeyId: string;
  /** The role's ARN, for the simulator. */
  arn: string;
  account: string;
  /** The organization the account belongs to (`aws:PrincipalOrgID`), if any. */
  organizationId?: string;
  /** The role's identity policy; undefined means the test harness itself (not checked). */
  policy?: PolicyDocument;
}

export type Decision = { allowed: true } | { allowed: false; reason: string };

/** The resource's side of a decision: the account that owns it and its resource policy, if any. */
export interface ResourceSide {
  account: string;
  policy?: PolicyDocument;
}

const cache = new Map<string, Promise<Decision>>();

/** Decides `request` for `principal`; `resource` is its owner and policy (the principal's account, none, by default). */
export function decide(principal: Principal, request: Omit<IamRequest, "principal" | "call">, resource?: ResourceSide): Promise<Decision> {
  if (!principal.policy) return Promise.resolve({ allowed: true });
  const side = resource ?? { account: principal.account };
  const key = JSON.stringify([
    principal.arn,
    principal.account,
    principal.organizationId ?? null,
    principal.policy,
    request.action,
    request.resource,
    request.context ?? {},
    side.account,
    side.policy ?? null,
  ]);
  let decision = cache.get(key);
  if (!decision) {
    decision = simulate(principal, request, side);
    cache.set(key, decision);
  }
  return decision;
}

async function simulate(principal: Principal, request: Omit<IamRequest, "principal" | "call">, resource: ResourceSide): Promise<Decision> {
  const simulation: simulator.Simulation = {
    request: {
      principal: principal.arn,
      action: request.action,
      resource: { resource: request.resource, accountId: resource.account },
      contextVariables: {
        // Every real call is made over TLS; the TLS-only bucket policy must not deny it.
        "aws:SecureTransport": "true",
        // AWS sets these on every request; the simulator does not derive them from the principal.
        "aws:PrincipalAccount": principal.account,
        ...(principal.organizationId ? { "aws:PrincipalOrgID": principal.organizationId } : {}),
        ...request.context,
      },
    },
    identityPolicies: [{ name: "role-policy", policy: principal.policy }],
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    ...(resource.policy ? { resourcePolicy: resource.policy } : {}),
  };
  const answer = await simulator.runSimulation(simulation, { simulationMode: "Strict" });
  if (answer.resultType === "error")
    return { allowed: false, reason: `the simulator refused the request: ${JSON.stringify(answer.errors).slice(0, 300)}` };
  // A call authorized on "*" although its action has an optional resource type (ce:GetCostAndUsage,
  // when no billing view is named) is simulated as a wildcard: only a statement on "*" allows it.
  const wildcardOnStar = answer.resultType === "wildcard" && request.resource === "*";
  if (answer.resultType !== "single" && !wildcardOnStar) return { allowed: false, reason: `unexpected ${answer.resultType} result` };
  return answer.overallResult === "Allowed" ? { allowed: true } : { allowed: false, reason: answer.overallResult };
}

/**
 * The owner and policy of the resource a request names. A bucket belongs to `bucketAccounts[bucket]`
 * (bucket ARNs name no account; by default the caller's) and has its bucket policy. A KMS key
 * belongs to the account in its ARN and has the default key policy (it delegates to that account's
 * IAM: "Enable IAM User Permissions"); the audit's settings take existing keys, and docs/getting-started.md asks
 * for that statement; without any key policy KMS refuses. Anything else belongs to the account in
 * its ARN, or the caller's (`*`), with no resource policy.
 */
export function resourcePolicyOf(
  resource: string,
  callerAccount: string,
  bucketPolicies: Record<string, PolicyDocument>,
  bucketAccounts: Record<string, string> = {},
): ResourceSide {
  const bucket = /^arn:[^:]+:s3:::([^/]+)/.exec(resource)?.[1];
  if (bucket) return { account: bucketAccounts[bucket] ?? callerAccount, policy: bucketPolicies[bucket] };
  const account = /^arn:[^:]+:[^:]+:[^:]*:(\d{12}):/.exec(resource)?.[1] ?? callerAccount;
  if (/^arn:[^:]+:kms:/.test(resource)) {
    return {
      account,
      policy: {
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "EnableIamUserPermissions",
            Effect: "Allow",
            Principal: { AWS: `arn:aws:iam::${account}:root` },
            Action: "kms:*",
            Resource: "*",
          },
        ],
      },
    };
  }
  return { account };
}

/** Every (action, statement id) an identity policy allows, for the "allowed but never used" list. */
export function allowedActions(policy: PolicyDocument): string[] {
  const actions = new Set<string>();
  for (const statement of policy.Statement) {
    if (statement.Effect !== "Allow") continue;
    const listed = statement.Action;
    for (const action of Array.isArray(listed) ? listed : [listed]) if (typeof action === "string") actions.add(action);
  }
  return [...actions].sort();
}

/** Does `pattern` (an IAM action, maybe with `*`) cover `action`? Case-insensitive, as IAM is. */
export function actionMatches(pattern: string, action: string): boolean {
  const re = new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*")}$`, "i");
  return re.test(action);
}
