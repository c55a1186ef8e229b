/**
 * The GitHub issue channel: titles and the hidden marker by which the sync finds its own issues
 * again. Bodies are Markdown (./markdown.ts, ./templates.ts).
 *
 * A title is plain text, but GitHub links `#12` and `GH-12` in it and draws backquoted text as code;
 * it is one line of at most 256 characters (GitHub refuses longer). So a title shows invisibles
 * (`[U+202E]`), is one line, has a full-width `＃` where `#` precedes a digit and a modifier grave
 * `ˋ` for a backquote, and is capped.
 *
 * A marker is an HTML comment on the body's last line, where the sync writes it. Text from the data
 * cannot forge one there (the template's own last line comes before it, and the data's `<` is
 * escaped), and a marker anywhere else in a body is not read: a table named like a marker cannot make
 * the sync adopt, rewrite or close another issue.
 */
import { oneLine, visible } from "../../core/output/visible";

/** GitHub's limit on an issue title, in characters. */
export const MAX_TITLE = 256;

export function issueTitle(text: string): string {
  const line = oneLine(visible(text), MAX_TITLE)
    .replace(/#(?=\d)/g, "＃")
    .replace(/\bGH-(?=\d)/gi, "GH‐")
    .replace(/`/g, "ˋ");
  return line;
}

/** The body with its marker as its last line (the form `trailingMarker` reads back). */
export function withMarker(body: string, marker: string): string {
  return `${body}\n\n${marker}\n`;
}

/**
 * The fields of the body's marker: `pattern` must match the whole last line (anchored `^…$`), or the
 * body carries no marker of this family. Line ends may have become CRLF after an edit on GitHub.
 */
export function trailingMarker(body: string, pattern: RegExp): RegExpExecArray | undefined {
  const lines = body.replace(/\s+$/, "").split(/\r?\n/);
  return pattern.exec(lines[lines.length - 1] ?? "") ?? undefined;
}
