/**
 * Query text for committed reports: string and numeric literals masked (they can hold customer
 * ids, emails, dates), comments dropped, white space folded. Identifiers, keywords and the query's
 * shape stay readable. Reports are read by more people than the data, so this is on by default.
 */
const TOKENS = /'(?:[^']|'')*'|"(?:[^"]|"")*"|--[^\n]*|\/\*[\s\S]*?\*\/|\b\d+(?:\.\d+)?(?:e[+-]?\d+)?\b|[A-Za-z_][A-Za-z0-9_$]*|\s+|./gi;

export function redactSql(sql: string): string {
  let out = "";
  for (const token of sql.match(TOKENS) ?? []) {
    if (token.startsWith("'")) out += "'?'";
    else if (token.startsWith("--") || token.startsWith("/*")) out += " ";
    else if (/^\d/.test(token)) out += "?";
    else if (/^\s+$/.test(token)) out += " ";
    else out += token;
  }
  return out.replace(/\s+/g, " ").trim();
}
