/** The second account, northwind-marketing (see org.ts): its id, its databases and its actors. */
import { Actor, GB, MB, CONSOLE, daily } from "./actor";
import { AD_SYNC_CHECKS, ATTRIBUTION_STEPS } from "./sql";

/** The growth-marketing team's account (northwind-marketing). */
export const MARKETING_ACCOUNT_ID = "109876543210";

/** The marketing account's: its own `clickstream` (named as the main account's), `ads`, and `leads`, which nobody reads. */
export const MARKETING_DATABASES: Readonly<Record<string, readonly string[]>> = {
  clickstream: ["page_views", "ad_clicks"],
  ads: ["impressions", "spend"],
  leads: ["contacts"],
};

/**
 * The marketing account's actors: all in its `primary` work group, in us-east-1, with habits as
 * steady as the main account's services (the anomaly detector must find nothing in them).
 */
export const MARKETING_ACTORS: readonly Actor[] = [
  {
    key: "growth-analysts-sso",
    account: MARKETING_ACCOUNT_ID,
    type: "AssumedRole",
    name: "aws-reserved/sso.amazonaws.com/AWSReservedSSO_MarketingAnalyst_3c2b1a0f9e8d7c6b",
    sessions: ["grace@northwind.example", "heidi@northwind.example"],
    identityCenterUsers: ["9067a5a2c4-3e4f5a6b-7c8d-4e9f-a0b1-c2d3e4f5a6b7", "9067a5a2c4-6b5a4f3e-2d1c-4b0a-9f8e-7d6c5b4a3f2e"],
    clients: [CONSOLE],
    regions: ["us-east-1"],
    workGroups: ["primary"],
    databases: ["clickstream", "ads"],
    perDay: 6,
    hours: [8, 18],
    medianBytes: 1.2 * GB,
    spread: 0.9,
    errors: "person",
    human: true,
  },
  {
    key: "campaign-attribution",
    account: MARKETING_ACCOUNT_ID,
    type: "AssumedRole",
    name: "campaign-attribution-lambda",
    sessions: ["campaign-attribution"],
    clients: [
      {
        userAgent:
          "aws-sdk-js/3.654.0 ua/2.1 os/linux#5.10.226 lang/js md/nodejs#20.17.0 api/athena#3.654.0 exec-env/AWS_Lambda_nodejs20.x",
        sourceIp: { network: "34.229.12" },
        clientFamily: "sdk",
      },
    ],
    regions: ["us-east-1"],
    workGroups: ["primary"],
    databases: ["clickstream", "ads"],
    perDay: 0,
    hours: [3, 4],
    medianBytes: 0,
    spread: 0,
    jobs: [
      {
        key: "attribution",
        client: 0,
        workGroup: "primary",
        hours: [3, 4],
        mode: "sequence",
        runs: 1,
        on: "daily",
        queries: [daily(ATTRIBUTION_STEPS[0], 30 * GB), daily(ATTRIBUTION_STEPS[1], 22 * GB), daily(ATTRIBUTION_STEPS[2], 2 * GB)],
      },
    ],
    bytesGrowth: 0.01,
    errors: "app",
    human: false,
  },
  {
    key: "ads-spend-sync",
    account: MARKETING_ACCOUNT_ID,
    type: "IAMUser",
    name: "ads-spend-sync",
    clients: [
      {
        userAgent:
          "Boto3/1.35.36 md/Botocore#1.35.36 ua/2.0 os/linux#6.1.0 md/arch#x86_64 lang/python#3.12.6 md/pyimpl#CPython " +
          "cfg/retry-mode#standard Botocore/1.35.36",
        sourceIp: "54.210.33.18",
        clientFamily: "sdk",
      },
    ],
    regions: ["us-east-1"],
    workGroups: ["primary"],
    databases: ["ads"],
    perDay: 0,
    hours: [6, 7],
    medianBytes: 0,
    spread: 0,
    // Every morning, from a cron host with an access key: did yesterday's spend and impressions arrive?
    jobs: [
      {
        key: "morning-sync",
        client: 0,
        workGroup: "primary",
        hours: [6, 7],
        mode: "sequence",
        runs: 1,
        on: "daily",
        queries: [daily(AD_SYNC_CHECKS[0], 400 * MB), daily(AD_SYNC_CHECKS[1], 1.5 * GB)],
      },
    ],
    errors: "pipeline",
    human: false,
  },
];
