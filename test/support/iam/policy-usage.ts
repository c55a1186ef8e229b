/**
 * A policy document checked against the requests a principal needs, with @cloud-copilot/iam-simulate
 * in Strict mode (an unknown action, a malformed ARN or a resource of the wrong type is an error, not
 * a pass): which requests it refuses, which of its grants (statement, action, resource pattern) no
 * request used, and which statements only allow what others allow too.
 */
import * as simulator from "@cloud-copilot/iam-simulate";
import { ACCOUNT } from "./plan-model";
import { actionMatches, PolicyDocument, resourcePolicyOf } from "./simulate";

export interface PolicyRequest {
  action: string;
  resource: string;
  context?: Record<string, string>;
  /** Who needs it, for messages. */
  call: string;
}

export interface PolicyUsage {
  /** One line per refused request: action, resource, context, the first call that needs it, and why. */
  denied: string[];
  /** One line per grant no request used: `Sid: action on resource`. */
  unused: string[];
  /** The Sids of the statements that allowed each request (by requestKey). */
  allowedBy: Map<string, string[]>;
}

/** The caller: any principal of the deploying account (the plans' getCallerIdentity names this user). */
export const DEPLOYER = `arn:aws:iam::${ACCOUNT}:user/deployer`;

export const requestKey = (r: Omit<PolicyRequest, "call">) => JSON.stringify([r.action, r.resource, r.context ?? {}]);

type Decision = { allowed: true; statements: string[] } | { allowed: false; reason: string };

async function decide(policy: PolicyDocument, r: PolicyRequest): Promise<Decision> {
  const side = resourcePolicyOf(r.resource, ACCOUNT, {});
  const answer = await simulator.runSimulation(
    {
      request: {
        principal: DEPLOYER,
        action: r.action,
        resource: { resource: r.resource, accountId: side.account },
        contextVariables: { "aws:SecureTransport": "true", "aws:PrincipalAccount": ACCOUNT, ...r.context },
      },
      identityPolicies: [{ name: "deployer", policy }],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      ...(side.policy ? { resourcePolicy: side.policy } : {}),
    },
    { simulationMode: "Strict" },
  );
  if (answer.resultType === "error") return { allowed: false, reason: `the simulator refused the request: ${answer.errors.message}` };
  if (answer.overallResult !== "Allowed") return { allowed: false, reason: answer.overallResult };
  // A resource with a wildcard (a database's `table/<db>/*`) is simulated per matching resource type.
  const analyses = answer.resultType === "single" ? [answer.result.analysis] : answer.results.map((x) => x.analysis);
  const sids = analyses.flatMap((a) => (a.identityAnalysis?.allowStatements ?? []).map((s) => s.statement.sid() ?? "(no Sid)"));
  return { allowed: true, statements: [...new Set(sids)] };
}

/** Does an IAM resource pattern (`*` any run of characters, `?` one) match `resource`? Case-sensitive, as ARNs are. */
export function resourceMatches(pattern: string, resource: string): boolean {
  const re = new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, "\\$&")
      .replace(/\*/g, ".*")
      .replace(/\?/g, ".")}$`,
  );
  return re.test(resource);
}

/** A statement's Action or Resource, which IAM takes as one string or a list. */
const list = (value: unknown): string[] => (Array.isArray(value) ? (value as unknown[]) : [value]).filter((v) => typeof v === "string");

/** Every grant of the policy's Allow statements: (Sid, action, resource pattern). */
function grants(policy: PolicyDocument): { sid: string; action: string; resource: string }[] {
  return policy.Statement.filter((s) => s.Effect === "Allow").flatMap((s) =>
    list(s.Action).flatMap((action) => list(s.Resource).map((resource) => ({ sid: String(s.Sid), action, resource }))),
  );
}

export async function policyUsage(policy: PolicyDocument, requests: PolicyRequest[]): Promise<PolicyUsage> {
  const first = new Map<string, PolicyRequest>();
  for (const r of requests) if (!first.has(requestKey(r))) first.set(requestKey(r), r);
  const denied: string[] = [];
  const allowedBy = new Map<string, string[]>();
  for (const [key, r] of first) {
    const decision = await decide(policy, r);
    if (decision.allowed) allowedBy.set(key, decision.statements);
    else denied.push(`${r.action} on ${r.resource}${r.context ? ` ${JSON.stringify(r.context)}` : ""} (${r.call}): ${decision.reason}`);
  }
  const used = new Set<string>();
  for (const [key, sids] of allowedBy) {
    const r = first.get(key)!;
    for (const g of grants(policy))
      if (sids.includes(g.sid) && actionMatches(g.action, r.action) && resourceMatches(g.resource, r.resource))
        used.add(JSON.stringify([g.sid, g.action, g.resource]));
  }
  const unused = grants(policy)
    .filter((g) => !used.has(JSON.stringify([g.sid, g.action, g.resource])))
    .map((g) => `${g.sid}: ${g.action} on ${g.resource}`);
  return { denied, unused, allowedBy };
}

/** `policy` without the statement `sid`. */
export function withoutStatement(policy: PolicyDocument, sid: string): PolicyDocument {
  return { ...policy, Statement: policy.Statement.filter((s) => s.Sid !== sid) };
}

/**
 * The statements the requests do not need: removing one refuses nothing. Only the requests the
 * statement allowed are asked again (the policy has no Deny, so no other decision can change).
 */
export async function redundantStatements(policy: PolicyDocument, requests: PolicyRequest[], usage: PolicyUsage): Promise<string[]> {
  const byKey = new Map(requests.map((r) => [requestKey(r), r]));
  const redundant: string[] = [];
  for (const sid of policy.Statement.map((s) => String(s.Sid))) {
    const reduced = withoutStatement(policy, sid);
    const affected = [...usage.allowedBy].filter(([, sids]) => sids.includes(sid)).map(([key]) => byKey.get(key)!);
    const refused = await Promise.all(affected.map((r) => decide(reduced, r)));
    if (!refused.some((d) => !d.allowed)) redundant.push(sid);
  }
  return redundant;
}
