/** GitHub Actions integration through @actions/core: log groups, the job summary, failure. Inert elsewhere. */
import * as core from "@actions/core";

export function inActions(): boolean {
  return process.env.GITHUB_ACTIONS === "true";
}

export async function group<T>(name: string, work: () => Promise<T>): Promise<T> {
  return inActions() ? core.group(name, work) : work();
}

/** Appends Markdown to the job summary (the run's page on GitHub), when there is one. */
export async function jobSummary(markdown: string): Promise<void> {
  if (inActions() && process.env.GITHUB_STEP_SUMMARY) await core.summary.addRaw(markdown, true).write();
}

export function fail(message: string): void {
  if (inActions()) core.setFailed(message);
}
