/**
 * Principals that exist only for planted cases (generator/planted-trends.ts): a role created in the
 * reported period that reads a great deal on its first day, and a finance close job with a history
 * of its own. They are not in `ACTORS`, so the simulation of every other actor draws as before; the
 * IAM snapshot (generator/iam.ts) and the system table's witness (generator/system-tables.ts) know them.
 */
import { addDays } from "../core/days";
import { Actor } from "./actor";
import { ACTORS } from "./org";

/** Days before the last generated day on which the new role is created and reads ~10 TiB. */
export const NEWCOMER_DAYS_BACK = 9;

/** A role someone made for a "vendor sync": its first day copies sales, finance and hr. */
export const NEWCOMER: Actor = {
  key: "vendor-sync",
  type: "AssumedRole",
  name: "vendor-data-sync",
  sessions: ["vendor-sync"],
  clients: [
    {
      userAgent:
        "Boto3/1.35.40 md/Botocore#1.35.40 ua/2.0 os/linux#6.8.0 md/arch#x86_64 lang/python#3.12.3 md/pyimpl#CPython " +
        "cfg/retry-mode#legacy Botocore/1.35.40",
      sourceIp: { network: "198.18.7" },
      clientFamily: "sdk",
    },
  ],
  regions: ["us-east-1"],
  workGroups: ["primary"],
  databases: ["sales", "finance", "hr"],
  perDay: 0,
  hours: [1, 4],
  medianBytes: 0,
  spread: 0,
  errors: "app",
  human: false,
};

/** The finance team's close job: a small reconciliation every evening, the month-end close on the last business days. */
export const FINANCE_CLOSE: Actor = {
  key: "finance-close",
  type: "AssumedRole",
  name: "finance-close-etl",
  sessions: ["finance-close"],
  clients: [
    {
      userAgent:
        "aws-sdk-java/2.25.60 Linux/5.10.230 OpenJDK_64-Bit_Server_VM/17.0.12+7-LTS Java/17.0.12 vendor/Amazon.com_Inc. " +
        "md/internal exec-env/AWS_ECS_FARGATE",
      sourceIp: { network: "10.30.4" },
      clientFamily: "sdk",
    },
  ],
  regions: ["us-east-1"],
  workGroups: ["primary"],
  databases: ["finance"],
  perDay: 0,
  hours: [18, 21],
  medianBytes: 0,
  spread: 0,
  errors: "pipeline",
  human: false,
};

export const PLANTED_ACTORS: readonly Actor[] = [NEWCOMER, FINANCE_CLOSE];

/** An actor of the org or of the planted cases, by key. */
export function anyActor(key: string): Actor | undefined {
  return ACTORS.find((a) => a.key === key) ?? PLANTED_ACTORS.find((a) => a.key === key);
}

/** When IAM created each planted principal: the new role on its first day, the close job long before the lake. */
export function plantedCreated(actor: Actor, lastDay: string): string {
  return actor === NEWCOMER ? `${addDays(lastDay, -NEWCOMER_DAYS_BACK)}T00:40:00.000Z` : "2025-03-01T09:00:00.000Z";
}
