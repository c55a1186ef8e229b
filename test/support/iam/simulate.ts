/**
 * IAM decisions for the contract test and the IAM-aware local S3: a request (principal, action,
 * resource, context) simulated with @cloud-copilot/iam-simulate in Strict mode against the
 * principal's identity policy and, for S3, the bucket's policy. Decisions are cached: the same
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
  /** The role's identity policy; undefined means the test harness itself (not checked). */
  policy?: PolicyDocument;
}

export type Decision = { allowed: true } | { allowed: false; reason: string };

const cache = new Map<string, Promise<Decision>>();

/** Decides `request` for `principal`; `resourcePolicy` is the bucket policy for S3 requests. */
export function decide(
  principal: Principal,
  request: Omit<IamRequest, "principal" | "call">,
  resourcePolicy?: PolicyDocument,
): Promise<Decision> {
  if (!principal.policy) return Promise.resolve({ allowed: true });
  const key = JSON.stringify([
    principal.arn,
    principal.policy,
    request.action,
    request.resource,
    request.context ?? {},
    resourcePolicy ?? null,
  ]);
  let decision = cache.get(key);
  if (!decision) {
    decision = simulate(principal, request, resourcePolicy);
    cache.set(key, decision);
  }
  return decision;
}

async function simulate(
  principal: Principal,
  request: Omit<IamRequest, "principal" | "call">,
  resourcePolicy?: PolicyDocument,
): Promise<Decision> {
  const simulation: simulator.Simulation = {
    request: {
      principal: principal.arn,
      action: request.action,
      resource: { resource: request.resource, accountId: principal.account },
      // Every real call is made over TLS; the TLS-only bucket policy must not deny it.
      contextVariables: { "aws:SecureTransport": "true", ...request.context },
    },
    identityPolicies: [{ name: "role-policy", policy: principal.policy }],
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    ...(resourcePolicy ? { resourcePolicy } : {}),
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
 * The policy on the resource a request names: the bucket's policy for S3, and for a KMS key the
 * default key policy (it delegates to IAM: "Enable IAM User Permissions"). The audit's settings
 * take existing keys, and the README asks for that statement; without any key policy KMS refuses.
 */
export function resourcePolicyOf(
  resource: string,
  account: string,
  bucketPolicies: Record<string, PolicyDocument>,
): PolicyDocument | undefined {
  const bucket = /^arn:[^:]+:s3:::([^/]+)/.exec(resource)?.[1];
  if (bucket) return bucketPolicies[bucket];
  if (/^arn:[^:]+:kms:/.test(resource)) {
    return {
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
    };
  }
  return undefined;
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
