/**
 * The IAM contract, both ways: every request a role made (or a service made on its behalf) must be
 * allowed by the role's planned policy, and every action the policy allows must have been needed
 * by some recorded request (or be listed, with its reason, as justified).
 */
import { CallLog } from "./recorder";
import { actionMatches, allowedActions, decide, IamRequest, PolicyDocument, Principal, resourcePolicyOf } from "./simulate";

export interface ContractReport {
  /** One line per refused request: role, call, action, resource, and why. */
  denied: string[];
  /** Per role, allowed actions no request needed. */
  unused: Record<string, string[]>;
}

function describe(role: string, r: IamRequest, reason: string): string {
  const behalf = r.onBehalf ? ` (by ${r.onBehalf})` : "";
  const context = r.context ? ` ${JSON.stringify(r.context)}` : "";
  return `${role}: ${r.call}${behalf} needs ${r.action} on ${r.resource}${context}: ${reason}`;
}

export async function checkContract(
  log: CallLog,
  roles: ReadonlyMap<string, Principal>,
  extra: IamRequest[] = [],
  bucketPolicies: Record<string, PolicyDocument> = {},
  /** The account owning each bucket, when not the caller's (a member account writing to the main bucket). */
  bucketAccounts: Record<string, string> = {},
): Promise<ContractReport> {
  const denied: string[] = [];
  for (const call of log.calls)
    if (call.denied && roles.has(call.principal)) denied.push(`${call.principal}: ${call.service} ${call.operation}: ${call.denied}`);
  const requests = [...log.calls.flatMap((c) => c.requests), ...extra];
  const seen = new Set<string>();
  for (const request of requests) {
    const role = roles.get(request.principal);
    if (!role) continue;
    const key = JSON.stringify([request.principal, request.action, request.resource, request.context]);
    if (seen.has(key)) continue;
    seen.add(key);
    const decision = await decide(role, request, resourcePolicyOf(request.resource, role.account, bucketPolicies, bucketAccounts));
    if (!decision.allowed) denied.push(describe(request.principal, request, decision.reason));
  }
  const unused: Record<string, string[]> = {};
  for (const [name, role] of roles) {
    if (!role.policy) continue;
    const used = requests.filter((r) => r.principal === name).map((r) => r.action);
    const idle = allowedActions(role.policy).filter((pattern) => !used.some((action) => actionMatches(pattern, action)));
    if (idle.length > 0) unused[name] = idle;
  }
  return { denied: [...new Set(denied)].sort(), unused };
}
