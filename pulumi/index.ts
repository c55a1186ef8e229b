/**
 * The Pulumi program: `pulumi up` per stack and region. A `main` stack deploys the whole audit; a
 * `collector` stack (each extra region, each member account's regions) deploys the history
 * collector, and with `collectGrants` its account's grants collector. Configuration is checked
 * before any resource is planned.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { collectorStack } from "./collector-stack";
import { mainStack } from "./main-stack";
import { NAMESPACE, parseSettings } from "./settings";

/** This stack's `athena-audit:*` settings, JSON values parsed (objects, lists, numbers, booleans). */
function rawSettings(): Record<string, unknown> {
  const raw: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(pulumi.runtime.allConfig())) {
    if (!key.startsWith(`${NAMESPACE}:`)) continue;
    try {
      raw[key.slice(NAMESPACE.length + 1)] = JSON.parse(value);
    } catch {
      raw[key.slice(NAMESPACE.length + 1)] = value;
    }
  }
  return raw;
}

export = async () => {
  const settings = parseSettings(rawSettings(), aws.config.region);
  const [identity, partition] = await Promise.all([aws.getCallerIdentity({}), aws.getPartition({})]);
  const caller = { account: identity.accountId, partition: partition.partition };
  return settings.role === "main" ? mainStack(settings, caller) : collectorStack(settings, caller);
};
