/**
 * Characters a reader cannot see, or that change what the text around them shows, made visible as
 * `[U+XXXX]`: control characters (NUL makes a page binary to git; a newline or CR ends a log line or a
 * Markdown line), bidirectional overrides and isolates (text that reads one way and is another),
 * zero-width and other invisible characters (two names that look alike, a hidden word), line and
 * paragraph separators, Unicode tag characters, noncharacters and lone surrogates (a UTF-16 half with
 * no pair, which `JSON.stringify` writes as `\ud800`). Every output channel applies it first, so a
 * value from the lake shows the same marks on a page, in an issue, a chart and the log.
 */

/**
 * Tab, newline and carriage return are left to each channel (a channel that keeps one line turns
 * them into a space); everything else here is replaced.
 */
const INVISIBLE = new RegExp(
  // eslint-disable-next-line no-misleading-character-class -- combining marks (U+034F, U+1160) are listed to be found one by one
  [
    "[\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F]", // C0 (but \t \n \r), DEL, C1 (NEL among them)
    "[\\u00AD\\u034F\\u061C\\u115F\\u1160\\u17B4\\u17B5\\u180E\\u3164\\uFFA0]", // soft hyphen, fillers, Arabic letter mark
    "[\\u200B-\\u200F\\u202A-\\u202E\\u2060-\\u206F]", // zero-width, LRM/RLM, embeddings and overrides, isolates, invisible operators
    "[\\u2028\\u2029\\uFEFF\\uFFF9-\\uFFFB\\uFFFE\\uFFFF]", // line/paragraph separators, BOM, annotation controls, noncharacters
    "\\uDB40[\\uDC00-\\uDC7F]", // tag characters U+E0000-U+E007F
    "[\\uD800-\\uDBFF](?![\\uDC00-\\uDFFF])", // a high surrogate with no low one after it
    "(?<![\\uD800-\\uDBFF])[\\uDC00-\\uDFFF]", // a low surrogate with no high one before it
  ].join("|"),
  "g",
);

function mark(character: string): string {
  const code = character.codePointAt(0) ?? 0;
  return `[U+${code.toString(16).toUpperCase().padStart(4, "0")}]`;
}

/** The text with every invisible or control character (but tab, newline, CR) shown as `[U+XXXX]`. */
export function visible(text: string): string {
  return text.replace(INVISIBLE, mark);
}

/** The same characters written another way (a channel's own escape): `show` gets each one (one or two UTF-16 units). */
export function replaceInvisible(text: string, show: (character: string) => string): string {
  return text.replace(INVISIBLE, show);
}

/** Whether the text holds a character `visible` would replace. */
export function hasInvisible(text: string): boolean {
  INVISIBLE.lastIndex = 0;
  const found = INVISIBLE.test(text);
  INVISIBLE.lastIndex = 0;
  return found;
}

/** One line: every run of white space (newlines included) one space, trimmed, cut to `max` characters with `…`. */
export function oneLine(text: string, max: number): string {
  const line = text.replace(/\s+/g, " ").trim();
  if (line.length <= max) return line;
  // Never cut a surrogate pair in two (the half left would be a lone surrogate).
  const end = /[\uD800-\uDBFF]/.test(line[max - 2] ?? "") ? max - 2 : max - 1;
  return `${line.slice(0, end)}…`;
}
