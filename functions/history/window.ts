/**
 * When to stop paging ListQueryExecutions. The API has no date filter and is observed, not
 * promised, to list newest first; so the collector stops only after `quietPages` whole pages in a
 * row fall before the window's start minus `slack`. Executions out of order by less than that are
 * still collected.
 */
export interface WindowOptions {
  /** The window's first instant (ms). */
  start: number;
  slackMs: number;
  quietPages: number;
}

export const DEFAULT_SLACK_MS = 60 * 60_000;
export const DEFAULT_QUIET_PAGES = 2;

export class PagingWindow {
  private quiet = 0;

  constructor(private readonly options: WindowOptions) {}

  /** Feed one page's submission times (ms); returns true once paging may stop. */
  pageSeen(submissions: readonly number[]): boolean {
    const newest = submissions.length > 0 ? Math.max(...submissions) : -Infinity;
    this.quiet = newest < this.options.start - this.options.slackMs ? this.quiet + 1 : 0;
    return this.quiet >= this.options.quietPages;
  }
}
