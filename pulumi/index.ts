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
import { parseSettings, stackSettings } from "../core/settings/settings";

/** This stack's `athena-audit:*` settings; a misspelt namespace (`athena-audti:...`) is refused, not dropped. */
function rawSettings(): Record<string, unknown> {
  return stackSettings(pulumi.runtime.allConfig());
}

export = async () => {
  const settings = parseSettings(rawSettings(), aws.config.region);
  const [identity, partition] = await Promise.all([aws.getCallerIdentity({}), aws.getPartition({})]);
  const caller = { account: identity.accountId, partition: partition.partition };
  return settings.role === "main" ? mainStack(settings, caller) : collectorStack(settings, caller);
};
