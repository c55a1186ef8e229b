/**
 * What a dry run of the issue sync shows: every issue it would open or rewrite with its title, labels
 * and body as GitHub would get them, and every comment it would close one with, so an engineer can
 * read the issues before any exists. Printed to stdout, which is the Actions log in a workflow: each
 * line of a title, body or comment (the lake's data) goes through the log channel, which leaves
 * ordinary lines as they are and keeps a line from starting a workflow command.
 */
import { logLine } from "../../core/output/log";
import { Action } from "./plan";
import { SyncReport } from "./sync";

const RULE = "─".repeat(72);

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** The counts of a planned sync, in one line. */
function summary(report: SyncReport, label: string, stack: string, maxNew: number): string {
  const count = (kind: Action["kind"]) => report.planned.filter((a) => a.kind === kind).length;
  const parts = [
    `${count("create")} to open`,
    `${count("update")} to update`,
    `${count("close")} to close`,
    ...(count("relabel") > 0 ? [`${count("relabel")} to relabel`] : []),
    `${report.unchanged} unchanged`,
    ...(report.deferred.length > 0 ? [`${report.deferred.length} deferred by the cap of ${maxNew} new a run`] : []),
    ...(report.keptOpen.length > 0 ? [`${plural(report.keptOpen.length, "issue", "issues")} kept open`] : []),
  ];
  return `dry run, label ${label}, stack ${stack}: ${parts.join(", ")}`;
}

/** The action's heading and what GitHub would receive, each line safe for the log. */
function section(action: Action, label: string, nth: number, creates: number): string[] {
  const lines = (text: string) => text.replace(/\n$/, "").split("\n");
  switch (action.kind) {
    case "create":
      return [`would open (${nth} of ${creates})`, `title:  ${action.title}`, `labels: ${label}`, "body:", "", ...lines(action.body)];
    case "update":
      return [`would update #${action.number}`, `title:  ${action.title}`, "body:", "", ...lines(action.body)];
    case "close":
      return [`would close #${action.number}, commenting:`, "", ...lines(action.comment)];
    case "relabel":
      return [
        `would relabel #${action.number}: ${[...action.remove.map((l) => `-${l}`), ...(action.add ? [`+${action.add}`] : [])].join(" ")}`,
      ];
  }
}

/**
 * The dry run's preview: the counts, then one section per planned action in the order a real run
 * makes them. `label` is the family's; `stack` and `maxNew` as the sync was given.
 */
export function dryRunPreview(report: SyncReport, label: string, stack: string, maxNew: number): string[] {
  const creates = report.planned.filter((a) => a.kind === "create").length;
  let nth = 0;
  const sections = report.planned.flatMap((action) => {
    if (action.kind === "create") nth++;
    return [RULE, ...section(action, label, nth, creates)];
  });
  return [summary(report, label, stack, maxNew), ...sections, ...(sections.length > 0 ? [RULE] : [])].map(logLine);
}
