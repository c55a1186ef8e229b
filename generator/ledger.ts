/** The generator's ledger: what each generated query should become, kept apart so every writer can read it. */
import type { Witness } from "./system-tables";

/** What one generated query should look like in the events table. */
export interface LedgerEntry {
  id: string;
  /** The account whose Athena ran it (its principal's account). */
  account: string;
  region: string;
  /** The events partition it belongs to: its CloudTrail event day, or its history day if unattributed. */
  eventDay: string;
  historyDay: string;
  /** StartQueryExecution's time as CloudTrail records it (ISO): the events table's event_time. */
  eventAt: string;
  actor: string;
  human: boolean;
  principalArn: string | null;
  iamPrincipalArn: string | null;
  clientFamily: string | null;
  sourceIp: string | null;
  workGroup: string;
  database: string;
  /** Tables it read (`database.table`); none for DDL. */
  tables: string[];
  /** Its text, as history holds it. */
  text: string;
  /** The text with every literal masked and comments dropped, lower-cased and folded, as the generator built it (generator/sql.ts). */
  shape: string;
  state: string;
  statementType: string;
  substatementType: string;
  /** Athena's AthenaError of a failed query: ErrorCategory (1 system, 2 user, 3 other), ErrorType, message. */
  errorCategory: number | null;
  errorType: number | null;
  errorMessage: string | null;
  bytes: number;
  /** What Athena bills for it under the ledger's TB definition (core/cost.ts): 0 when failed, DDL or nothing scanned. */
  costUsd: number;
  engineMs: number;
  totalMs: number;
  submittedAt: string;
  completedAt: string;
  /** It asked for result reuse, and whether Athena answered it from an earlier result. */
  reuseEnabled: boolean;
  reused: boolean;
  attributed: boolean;
  textForm: string;
  midnightCrossing: boolean;
  straddle: boolean;
  /** Its CloudTrail record was delivered into a later day's folder. */
  lateDelivered: boolean;
  /**
   * Its row in Athena's system table (generator/system-tables.ts); null before the main account
   * enabled it, and in the marketing account, which never did.
   */
  witness: Witness | null;
}
