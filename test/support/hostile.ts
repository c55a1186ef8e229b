/**
 * Values an attacker can put in the lake (a Glue table or database name, an IAM role path or session
 * name, an UNLOAD bucket, an error message, a user agent), one of each kind that means something to
 * one of the product's output channels, and what GitHub's Actions runner makes of a log line.
 */

import { hasInvisible } from "../../core/output/visible";

export const HOSTILE = {
  image: "![x](https://attacker.example/p.png)",
  link: "[click me](https://attacker.example/)",
  mention: "@octocat and @github/security",
  references: "see #1, GH-2 and octo/repo#3",
  comment: "<!-- the rest is hidden",
  backticks: "`code` and ``` fence",
  html: "<img src=x onerror=alert(1)><script>alert(2)</script><details>",
  emphasis: "**bold** _em_ ~~gone~~ $x^2$ &lt;b&gt;",
  pipes: "a|b|c",
  workflowCommand: "x\n::error::pwned\n::add-mask::secret\r::stop-commands::t",
  legacyCommand: "##[error]legacy ##[add-mask]secret",
  mermaidDirective: '%%{init: {"theme":"dark"}}%% "quoted" #35; <b>',
  bidi: "abc\u202Edcba\u2066x\u2069",
  zeroWidth: "zero\u200Bwidth\u2060joiner\uFEFF",
  controls: "nul\u0000bell\u0007esc\u001B[31m",
  loneSurrogate: "lone\uD800surrogate",
  blocks: "# heading",
  quote: "> quoted",
  list: "- item",
  ordered: "1. item",
  marker: "<!-- athena-audit:fingerprint=0123456789abcdef -->",
  autolinks: "user@example.com www.example.com https://x.example",
  separators: "line\u2028para\u2029end\u0085nel",
  long: `long ${"A".repeat(5000)}`,
} satisfies Record<string, string>;

/**
 * The same value with every character that could mean something replaced by a letter, the `/` and
 * white space kept (but the invisible kinds, which are shown as marks): what a page or issue looks
 * like for an honest value of the same shape and length.
 */
export function benignTwin(value: string): string {
  return Array.from(value)
    .map((c) => (/[A-Za-z0-9/]/.test(c) ? c : /\s/.test(c) && !hasInvisible(c) ? " " : "x"))
    .join("");
}

/**
 * The workflow command the Actions runner would run for one line of the log, if any: a line that
 * starts, after leading white space, with `::name` and has a second `::` (ActionCommand.TryParseV2),
 * or that holds `##[name]` anywhere (the older ActionCommand.TryParse). Registered names only.
 */
const RUNNER_COMMANDS = new Set([
  "add-mask",
  "add-matcher",
  "remove-matcher",
  "debug",
  "notice",
  "warning",
  "error",
  "group",
  "endgroup",
  "echo",
  "save-state",
  "set-output",
  "set-env",
  "add-path",
  "stop-commands",
  "internal-set-repo-path",
]);

export function workflowCommand(line: string): string | undefined {
  const trimmed = line.trimStart();
  if (trimmed.startsWith("::") && trimmed.indexOf("::", 2) > 0) {
    // The command's name, up to its first space.
    const name = trimmed.slice(2, trimmed.indexOf("::", 2)).replace(/ .*$/s, "");
    return `::${name}`;
  }
  const legacy = /##\[([^\] ]+)/.exec(line)?.[1];
  return legacy !== undefined && RUNNER_COMMANDS.has(legacy) ? `##[${legacy}]` : undefined;
}

/** Commands the runner would run for this output, line by line (it splits on LF, CR LF and CR). */
export function workflowCommands(output: string): string[] {
  return output.split(/\r\n|\r|\n/).flatMap((line) => workflowCommand(line) ?? []);
}
