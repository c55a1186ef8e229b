/**
 * Markdown as GitHub renders it, and what in the result a value from the data must never have made.
 * cmark-gfm is GitHub's own Markdown library (Debian's `cmark-gfm`; .ci/run installs it), run with
 * GitHub's extensions. It runs `--unsafe`, so raw HTML stays in its output for the checks to see;
 * GitHub would then drop most of it in its sanitizer, but an `<img>` or a link it keeps. Mentions and
 * issue references are GitHub's own step after cmark-gfm, one text node at a time, outside code and
 * links: `mentionsAndReferences` looks for them the same way.
 */
import { execFileSync } from "node:child_process";
import { present } from "./defined";
import { cmarkGfmProgram } from "./render-tools";

const EXTENSIONS = ["table", "autolink", "strikethrough", "tagfilter", "tasklist"];

/** Documents already rendered: the same honest page is compared with many hostile ones, and each render is a process. */
const rendered = new Map<string, string>();

export function renderGfm(markdown: string): string {
  const known = rendered.get(markdown);
  if (known !== undefined) return known;
  const args = ["--unsafe", ...EXTENSIONS.flatMap((e) => ["-e", e])];
  const html = execFileSync(cmarkGfmProgram(), args, { input: markdown, encoding: "utf8" });
  rendered.set(markdown, html);
  return html;
}

const TAG = /<\/?([a-zA-Z][a-zA-Z0-9]*)[^>]*>/g;
const tagName = (m: RegExpMatchArray) => present(m[1], `the name of ${m[0]}`).toLowerCase();

/** The elements in document order (`p`, `/p`, `code`...), without `wbr` (the escapes' own line-break opportunity). */
export function structure(html: string): string[] {
  return [...html.matchAll(TAG)].map((m) => (m[0].startsWith("</") ? "/" : "") + tagName(m)).filter((t) => t !== "wbr");
}

/** Raw HTML the product writes on purpose; any other raw tag in the output came from the data. */
const PRODUCT_HTML = new Set(["wbr", "sub", "/sub", "details", "/details", "summary", "/summary"]);
const CMARK_OUTPUT = new Set(
  "p h1 h2 h3 h4 h5 h6 ul ol li table thead tbody tr th td code pre strong em a del blockquote hr br input sup section img".split(" "),
);

/** Mentions and references as GitHub finds them: in text outside code, pre and links. */
export function mentionsAndReferences(html: string): string[] {
  const found: string[] = [];
  let inert = 0;
  for (const part of html.split(/(<[^>]+>)/)) {
    const tag = /^<(\/?)(code|pre|a)\b/i.exec(part);
    if (tag) inert += tag[1] ? -1 : 1;
    else if (!part.startsWith("<") && inert === 0) {
      for (const m of part.matchAll(/(?:^|[^\w/`])(@[a-z0-9][a-z0-9-]*|#\d+|GH-\d+)/gi))
        found.push(present(m[1], "the mention or reference"));
    }
  }
  return found;
}

/** Characters no output may carry: controls (but tab, LF), bidi controls, zero-width and other invisibles, lone surrogates. */
export const INVISIBLE_IN_OUTPUT =
  // eslint-disable-next-line no-control-regex, @stylistic/max-len -- control characters are what it finds; one class reads best whole
  /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u00AD\u061C\u180E\u200B-\u200F\u202A-\u202E\u2060-\u206F\u2028\u2029\uFEFF]|\uDB40[\uDC00-\uDC7F]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * What is wrong with rendered HTML a hostile value went into: raw tags the product does not write,
 * images, links other than `allowedLinks`, mentions, references, invisible characters.
 */
export function htmlViolations(html: string, allowedLinks: readonly RegExp[] = []): string[] {
  const problems: string[] = [];
  for (const m of html.matchAll(TAG)) {
    const name = (m[0].startsWith("</") ? "/" : "") + tagName(m);
    if (!CMARK_OUTPUT.has(name.replace("/", "")) && !PRODUCT_HTML.has(name)) problems.push(`raw HTML ${m[0]}`);
    if (name === "img") problems.push(`image ${m[0]}`);
    if (name === "a" && !allowedLinks.some((link) => link.test(/href="([^"]*)"/.exec(m[0])?.[1] ?? ""))) problems.push(`link ${m[0]}`);
  }
  if (html.includes("<!--")) problems.push("an HTML comment");
  for (const found of mentionsAndReferences(html)) problems.push(`GitHub would link ${found}`);
  const invisible = INVISIBLE_IN_OUTPUT.exec(html);
  if (invisible) problems.push(`invisible character U+${invisible[0].charCodeAt(0).toString(16).toUpperCase()}`);
  return problems;
}
