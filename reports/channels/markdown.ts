/**
 * The Markdown channel: text from the lake or from AWS placed in a page, an issue body or the job
 * summary, as GitHub shows it. Nothing in such a value may become markup (emphasis, code, a link, an
 * image, HTML, an HTML comment that hides the rest, an entity, math, a heading or list, a table cell's
 * end), nor one of GitHub's references (an `@mention` that notifies someone, `#12` or `GH-12` that
 * links an issue); control, bidirectional and zero-width characters are shown (`[U+202E]`); every
 * value is one line, capped. Text the product writes itself goes into templates as it is.
 */
import { Value } from "../../queries/engine";
import { oneLine, replaceInvisible, visible } from "../../core/output/visible";

/**
 * Text from the data as Markdown that shows exactly that text. Every character GitHub's Markdown
 * (GFM) gives a meaning inline is backslash-escaped, and so is one that would start a block at the
 * start of a line (`#`, `>`, `-`, `+`, `=`, `1.`). GFM also turns bare URLs and e-mail addresses into
 * links (its autolink extension), which escapes do not stop for e-mail addresses: cmark-gfm, GitHub's
 * Markdown library, joins adjacent text (escaped characters included) into one run before it looks
 * for `name@domain.tld` (extensions/autolink.c, `postprocess`). So an `@` is followed by `<wbr>` (an
 * empty element GitHub keeps, an optional line break to a browser): the text around it is no longer
 * one run, and a reader sees and copies the same characters. GitHub finds mentions and issue
 * references in the rendered text one text node at a time, so the same `<wbr>` after `#` or `GH-`
 * before a digit keeps `#12` from linking. The `:` of `scheme://` and the `.` of `www.` are escaped,
 * which is what GFM's URL matching looks at.
 */
export function markdownText(value: Value | undefined, max = 120): string {
  if (value === null || value === undefined) return "";
  return oneLine(visible(String(value)), max)
    .replace(/[\\`*_[\]<>|~&$]/g, "\\$&")
    .replace(/^(?:[#+=-](?=[#=-]*(?: |$))|>)/, "\\$&")
    .replace(/^(\d{1,9})([.)])(?= |$)/, "$1\\$2")
    .replace(/:(?=\/\/)/g, "\\:")
    .replace(/\b(www)\./gi, "$1\\.")
    .replace(/@/g, "@<wbr>")
    .replace(/(#|\bGH-)(?=\d)/gi, "$1<wbr>");
}

/**
 * One line, pipes escaped, cut to `max` characters: it stays in its table cell, but GFM still reads
 * the rest (links, e-mail addresses, emphasis). Only for text the product built; text from the data
 * goes through `markdownText`.
 */
export function cell(value: Value | undefined, max = 120): string {
  if (value === null || value === undefined) return "";
  return oneLine(visible(String(value)), max).replace(/\|/g, "\\|");
}

/**
 * Text as a Markdown code span, for query text and names shown as code: one line, invisibles shown,
 * fenced with more backticks than any run inside it, so a backquoted name stays as written; pipes
 * escaped for the table (GFM unescapes them inside code). GitHub links no mention or reference in code.
 */
export function codeSpan(value: Value | undefined, max = 100): string {
  if (value === null || value === undefined || value === "") return "";
  const text = oneLine(visible(String(value)), max).replace(/\|/g, "\\|");
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = "`".repeat(longest + 1);
  const pad = text.startsWith("`") || text.endsWith("`") ? " " : "";
  return `${fence}${pad}${text}${pad}${fence}`;
}

/**
 * A value as JSON for a fenced code block (a suggested policy): JSON.stringify, with every invisible
 * or control character written as its `\uXXXX` escape, so the block still means the same to IAM and
 * shows a reader what is there. JSON strings hold no raw newline, so no line of it can close the fence.
 */
export function jsonBlock(value: unknown): string {
  const units = (c: string) => [...Array(c.length).keys()].map((i) => `\\u${c.charCodeAt(i).toString(16).padStart(4, "0")}`).join("");
  return replaceInvisible(JSON.stringify(value, null, 2), units);
}

/**
 * Lines as a fenced code block (`info` names its language): each line's invisibles shown and its
 * line breaks made spaces, fenced with more backticks than any run inside, so no line closes it.
 */
export function codeBlock(lines: readonly string[], info = "text"): string {
  const shown = lines.map((line) => visible(line).replace(/[\r\n]+/g, " "));
  const longest = Math.max(2, ...shown.flatMap((line) => (line.match(/`+/g) ?? []).map((run) => run.length)));
  const fence = "`".repeat(longest + 1);
  return [`${fence}${info}`, ...shown, fence].join("\n");
}
