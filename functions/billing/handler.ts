/** Lambda entry point of the billing collector (optional, daily). Input: `{}`. */
import * as costExplorerClient from "@aws-sdk/client-cost-explorer";
import * as config from "../runtime/config";
import { lambdaHandler } from "../runtime/handler";
import * as s3 from "../runtime/s3";
import * as collect from "./collect";

const RETRY = { retryMode: "adaptive", maxAttempts: 8 } as const;

export const handler = lambdaHandler("billing-collector", (_event: unknown, log) => {
  const settings = config.billingCollectorConfig();
  return collect.collectBilling({
    // Cost Explorer's endpoint is global, in us-east-1, whichever region the function runs in.
    costExplorer: new costExplorerClient.CostExplorerClient({ ...RETRY, region: collect.COST_EXPLORER_REGION }),
    s3: s3.createS3Client(),
    bucket: settings.bucket,
    prefix: settings.prefix,
    account: settings.account,
    workGroupTag: settings.workGroupTag,
    log,
  });
});
