/**
 * Rules between settings, once each value is valid on its own: what a stack needs, what has no
 * effect without another setting, and what must agree (regions, partitions, accounts).
 */
import { anomalySettings } from "../anomaly-settings";
import { InputError } from "../errors";
import { parseArn, partitionOf } from "./rules";
import type { CollectorInput, MainInput, Problem } from "./schema";

type Refuse = (key: string, problem: string) => void;

function collect(check: (refuse: Refuse) => void): Problem[] {
  const problems: Problem[] = [];
  check((key, problem) => problems.push({ key, problem }));
  return problems;
}

/** ARNs must be in the stack's partition (aws, aws-cn, aws-us-gov, ...): a role or key of another one cannot be used. */
function partitions(refuse: Refuse, region: string, arns: Record<string, string | undefined>): void {
  const partition = partitionOf(region);
  for (const [key, arn] of Object.entries(arns)) {
    const found = arn === undefined ? undefined : parseArn(arn)?.partition;
    if (found !== undefined && found !== partition)
      refuse(key, `is in partition ${found}, but ${region} is in ${partition}: use an ARN of ${partition}`);
  }
}

/** A KMS key must be in the region of what it encrypts. */
function keyRegion(refuse: Refuse, key: string, arn: string | undefined, region: string, why: string): void {
  const found = arn === undefined ? undefined : parseArn(arn)?.region;
  if (found !== undefined && found !== region) refuse(key, `is a key in ${found}, but ${why} ${region}: use a key of ${region}`);
}

export function mainProblems(s: MainInput, region: string): Problem[] {
  return collect((refuse) => {
    const trail = s.cloudTrail;
    if (!trail && !s.createTrail)
      refuse("cloudTrail", "is required (the existing trail's bucket, accounts and regions), or set athena-audit:createTrail true");
    if (trail && s.createTrail) refuse("createTrail", "cannot be true when athena-audit:cloudTrail names an existing trail");
    if (s.trailLakeReads?.length && !s.createTrail)
      refuse(
        "trailLakeReads",
        "applies to the trail the stack creates: set athena-audit:createTrail true, or select the data events on your trail",
      );
    if (s.createTrail && s.bucketName)
      refuse("createTrail", "needs the bucket the stack creates (its policy admits the trail); remove athena-audit:bucketName");
    if (s.anomalySettings !== undefined) {
      try {
        anomalySettings(s.anomalySettings, "the anomaly settings");
      } catch (error) {
        if (!(error instanceof InputError)) throw error;
        refuse("anomalySettings", error.message.replace(/^the anomaly settings:? ?/, "") || "is not valid");
      }
    }
    if (s.securityHub && s.liveAlerts === false) refuse("securityHub", "has no effect unless athena-audit:liveAlerts is true");
    if (s.billingWorkGroupTag && !s.collectBilling)
      refuse("billingWorkGroupTag", "has no effect unless athena-audit:collectBilling is true");
    if (s.schedules?.billing && !s.collectBilling) refuse("schedules.billing", "has no effect unless athena-audit:collectBilling is true");
    const members = s.memberAccounts ?? [];
    if ((members.length > 0 || s.organizationId) && s.bucketName)
      refuse(
        members.length > 0 ? "memberAccounts" : "organizationId",
        "needs the bucket the stack creates (its policy admits the members); remove athena-audit:bucketName",
      );
    if (s.githubOidcProviderArn && !s.githubRepository)
      refuse("githubOidcProviderArn", "has no effect without athena-audit:githubRepository (the repository the reporting role trusts)");
    if (trail) {
      // The join reads each join region's CloudTrail from the trail's folders: a region the trail does
      // not log would leave every query there unattributed.
      const regions = (s.joinRegions ?? [region]).filter((r) => !trail.regions.includes(r));
      if (regions.length > 0)
        refuse(
          "cloudTrail.regions",
          `must include each join region (athena-audit:joinRegions, default: the stack's); missing ${regions.join(", ")}`,
        );
      // Likewise a member account whose CloudTrail the trail does not hold.
      const accounts = members.filter((a) => !trail.accounts.includes(a));
      if (accounts.length > 0)
        refuse("cloudTrail.accounts", `must include each account of athena-audit:memberAccounts; missing ${accounts.join(", ")}`);
    }
    // The bucket, the work group's results, the logs and the functions are all in the stack's region.
    // The trail's key is the trail bucket's region's, which no setting names: it is not checked here.
    keyRegion(refuse, "kmsKeyArn", s.kmsKeyArn, region, "the audit bucket, its logs and functions are in");
    partitions(refuse, region, {
      kmsKeyArn: s.kmsKeyArn,
      lambdaRoleArn: s.lambdaRoleArn,
      githubOidcProviderArn: s.githubOidcProviderArn,
      "cloudTrail.kmsKeyArn": trail?.kmsKeyArn,
    });
  });
}

export function collectorProblems(s: CollectorInput, region: string): Problem[] {
  return collect((refuse) => {
    if (!s.bucketName && !s.mainStack)
      refuse("bucketName", "or athena-audit:mainStack is required for a collector stack: where history goes");
    if (s.bucketName && s.mainStack)
      refuse("mainStack", "cannot be set with athena-audit:bucketName: the collector writes to one bucket, name it once");
    if (s.lakeFormation && !s.collectGrants)
      refuse("lakeFormation", "has no effect in a collector stack unless athena-audit:collectGrants is true");
    if (s.securityHub && s.liveAlerts === false) refuse("securityHub", "has no effect unless athena-audit:liveAlerts is true");
    if (s.schedules?.grants && !s.collectGrants) refuse("schedules.grants", "has no effect unless athena-audit:collectGrants is true");
    if (partitionOf(s.mainRegion) !== partitionOf(region))
      refuse(
        "mainRegion",
        `is in partition ${partitionOf(s.mainRegion)}, but ${region} is in ${partitionOf(region)}: a collector writes within its partition`,
      );
    // The collector writes into the main bucket with its key (docs/getting-started.md, member accounts): the main region's.
    keyRegion(refuse, "kmsKeyArn", s.kmsKeyArn, s.mainRegion, "the main bucket it encrypts is in");
    partitions(refuse, region, { kmsKeyArn: s.kmsKeyArn, lambdaRoleArn: s.lambdaRoleArn });
  });
}
