/**
 * Query text for committed reports and live alerts: values masked, structure kept. Both are read by
 * more people than the data, so this is on by default.
 *
 * Masked (a value can hold a customer id, an e-mail address, a date, a bucket name): every string
 * literal (`'...'` becomes `'?'`, typed ones too: `DATE '?'`), every number (`?`: in predicates, IN
 * lists, select lists, function arguments), and anything the lexer cannot vouch for (an unterminated
 * string or quoted name, text that a backslash-escaping reading of the query would put inside a string).
 *
 * Kept, because each is the query's shape rather than data, and is checked to be nothing more:
 * - identifiers, quoted (`"col 1"`) and backquoted ones included, keywords, operators;
 * - ordinals: a bare number that is a whole item of a GROUP BY or ORDER BY list (`GROUP BY 1, 2`);
 * - row counts: LIMIT, OFFSET and FETCH FIRST n, window frames (`6 PRECEDING`), TABLESAMPLE's
 *   percentage, `INTO 16 BUCKETS`, and type sizes (`DECIMAL(10, 2)`, `VARCHAR(255)`);
 * - interval units and quantities: `INTERVAL '7' DAY`. The quantity is a literal in the grammar, but
 *   it is the length of the query's time window, not a value the data holds: it cannot name a
 *   customer or a day, and it explains what a query scans (7 days against 90). It is kept only when it
 *   is digits (with `-`, `:`, `.` or a space between them: `'1-2' YEAR TO MONTH`) followed by a unit;
 * - unit arguments: `date_trunc('hour', ...)`, `date_add('day', -7, ...)` (the -7 too, as an interval's
 *   quantity), `date_diff('day', ...)`, when the string is exactly a unit name.
 * Comments are dropped (they can hold anything) and white space is folded.
 *
 * A lexer, not node-sql-parser: that parser refuses much of what Athena runs (MSCK REPAIR TABLE, Hive
 * DDL, failed queries), misreads lambdas, and rewrites what it prints (quoting, case, spacing), while
 * every query must be redacted and still read as its author wrote it. The lexer never fails: its only
 * decisions are per token, and a literal is masked unless a rule above proves it structural. Athena
 * reads DDL (CREATE TABLE, ALTER, MSCK, SHOW, DESCRIBE, DROP) with Hive's rules, where `"..."` is a
 * string and a backslash escapes a quote, and everything else (SELECT, CTAS, CREATE VIEW, INSERT)
 * with Trino's, where `"..."` is a name and a quote is escaped by doubling it; the lexer follows the
 * same split, and when a backslash could end or extend a string the other way, it masks whatever
 * either reading puts inside a string.
 */

type Kind = "space" | "comment" | "string" | "quoted" | "number" | "word" | "punct";

interface Token {
  kind: Kind;
  text: string;
  start: number;
  end: number;
  /** Strings and quoted names: whether the closing quote was found. */
  closed?: boolean;
}

interface Dialect {
  /** A backslash escapes the next character inside quotes (Hive). */
  backslash: boolean;
  /** `"..."` is a string (Hive), not a name (Trino). */
  doubleQuotedStrings: boolean;
}

const TRINO: Dialect = { backslash: false, doubleQuotedStrings: false };
const HIVE: Dialect = { backslash: true, doubleQuotedStrings: true };

const SPACE = /\s+/y;
const WORD = /[\p{L}_][\p{L}\p{N}_$]*/uy;
// Digits, then anything that could continue a number in some dialect (1.5e-3, 0x1F, 1_000, 10d): all masked together.
const NUMBER = /(?:\d|\.\d)(?:[\p{L}\p{N}_.]|(?<=[eE])[+-])*/uy;

function match(pattern: RegExp, sql: string, at: number): number {
  pattern.lastIndex = at;
  return pattern.test(sql) ? pattern.lastIndex : at + 1;
}

/** The end of a quoted run opened at `start`; a doubled quote stays inside, and with `backslash` an escaped one too. */
function closingQuote(sql: string, start: number, quote: string, backslash: boolean): { end: number; closed: boolean } {
  let i = start + 1;
  while (i < sql.length) {
    const c = sql[i];
    if (backslash && c === "\\") i += 2;
    else if (c !== quote) i += 1;
    else if (sql[i + 1] === quote) i += 2;
    else return { end: i + 1, closed: true };
  }
  return { end: sql.length, closed: false };
}

function lex(sql: string, dialect: Dialect): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < sql.length) {
    const c = sql.charAt(i);
    const next = sql[i + 1];
    let kind: Kind;
    let end: number;
    let closed: boolean | undefined;
    if (/\s/.test(c)) {
      kind = "space";
      end = match(SPACE, sql, i);
    } else if (c === "-" && next === "-") {
      kind = "comment";
      const newline = sql.indexOf("\n", i);
      end = newline < 0 ? sql.length : newline;
    } else if (c === "/" && next === "*") {
      kind = "comment";
      const close = sql.indexOf("*/", i + 2);
      end = close < 0 ? sql.length : close + 2;
    } else if (c === "'" || (c === '"' && dialect.doubleQuotedStrings)) {
      kind = "string";
      ({ end, closed } = closingQuote(sql, i, c, dialect.backslash));
    } else if (c === '"' || c === "`") {
      kind = "quoted";
      ({ end, closed } = closingQuote(sql, i, c, false));
    } else if (/\d/.test(c) || (c === "." && /\d/.test(next ?? ""))) {
      kind = "number";
      end = match(NUMBER, sql, i);
    } else if (/[\p{L}_]/u.test(c)) {
      kind = "word";
      end = match(WORD, sql, i);
    } else {
      kind = "punct";
      // One code point: a surrogate pair stays whole.
      end = i + ((sql.codePointAt(i) ?? 0) > 0xffff ? 2 : 1);
    }
    tokens.push({ kind, text: sql.slice(i, end), start: i, end, closed });
    i = end;
  }
  return tokens;
}

const significant = (t: Token) => t.kind !== "space" && t.kind !== "comment";
const upper = (t: Token | undefined) => (t?.kind === "word" ? t.text.toUpperCase() : undefined);
const isPunct = (t: Token | undefined, ...texts: string[]) => t?.kind === "punct" && texts.includes(t.text);

/** Statements Athena runs with Hive's DDL grammar; CREATE VIEW and CREATE TABLE AS are Trino's. */
function isHiveDdl(tokens: readonly Token[]): boolean {
  const words = tokens.filter(significant);
  const first = upper(words[0]);
  if (first && ["ALTER", "MSCK", "SHOW", "DESCRIBE", "DESC", "DROP"].includes(first)) return true;
  if (first !== "CREATE") return false;
  if (words.slice(1, 4).some((t) => upper(t) === "VIEW")) return false;
  let depth = 0;
  return !words.some((t, i) => {
    if (isPunct(t, "(")) depth += 1;
    if (isPunct(t, ")")) depth -= 1;
    const after = words[i + 1];
    return depth === 0 && upper(t) === "AS" && (isPunct(after, "(") || ["SELECT", "WITH", "VALUES"].includes(upper(after) ?? ""));
  });
}

const UNITS = new Set(["MILLISECOND", "SECOND", "MINUTE", "HOUR", "DAY", "WEEK", "MONTH", "QUARTER", "YEAR"]);
const isUnit = (word: string | undefined) =>
  word !== undefined && (UNITS.has(word) || (word.endsWith("S") && UNITS.has(word.slice(0, -1))));
/** Functions whose first argument is a unit name (Trino's, and DuckDB's spellings of them). */
const UNIT_FUNCTIONS = new Set(["DATE_TRUNC", "DATE_ADD", "DATE_DIFF", "DATE_PART", "DATEDIFF", "DATEADD"]);
const TYPES_WITH_SIZE = new Set(["DECIMAL", "DEC", "NUMERIC", "VARCHAR", "CHAR", "CHARACTER", "TIMESTAMP", "TIME"]);
/** Words that end a GROUP BY or ORDER BY list at its own depth. */
const ENDS_BY_LIST = new Set([
  "LIMIT",
  "OFFSET",
  "FETCH",
  "HAVING",
  "WINDOW",
  "UNION",
  "INTERSECT",
  "EXCEPT",
  "ORDER",
  "SELECT",
  "FROM",
  "WHERE",
  "ON",
  "JOIN",
  "VALUES",
  "ROWS",
  "RANGE",
  "GROUPS",
  "WITH",
  "INSERT",
]);
/** An interval's quantity: digits, with `-`, `:`, `.` or a space between them (`'1-2'`, `'2 10:30:00'`). */
/** What can follow an ordinal in its list: the list's end, or the item's sort order. */
const AFTER_ORDINAL = new Set([...ENDS_BY_LIST, "ASC", "DESC", "NULLS"]);
const INTERVAL_QUANTITY = /^'[+-]?\d+(?:[-:. ]\d+)*'$/;

/** The literals (indices into `tokens`) that are structure, not values. */
function structuralLiterals(tokens: readonly Token[]): Set<number> {
  const sig = tokens.map((t, i) => ({ t, i })).filter(({ t }) => significant(t));
  const at = (p: number) => sig[p]?.t;
  const keep = new Set<number>();
  // For each significant token: the position of the `(` that encloses it, and the paren depth.
  const opener: (number | undefined)[] = [];
  const stack: number[] = [];
  let byList: number | undefined;
  const unitArgument = (p: number) => {
    const open = opener[p];
    return (
      open !== undefined &&
      p === open + 1 &&
      UNIT_FUNCTIONS.has(upper(at(open - 1)) ?? "") &&
      isPunct(at(p + 1), ",") &&
      isUnit(at(p)?.text.slice(1, -1).toUpperCase())
    );
  };
  for (const [p, { t: token, i: tokenIndex }] of sig.entries()) {
    opener[p] = stack.at(-1);
    const depth = stack.length;
    const word = upper(token);
    const previous = upper(at(p - 1));
    if (word === "BY" && (previous === "GROUP" || previous === "ORDER")) byList = depth;
    else if (word && byList === depth && ENDS_BY_LIST.has(word)) byList = undefined;
    if (isPunct(token, "(")) stack.push(p);
    if (isPunct(token, ")")) {
      stack.pop();
      if (byList !== undefined && stack.length < byList) byList = undefined;
    }
    if (isPunct(token, ";")) byList = undefined;
    if (token.kind !== "number" && token.kind !== "string") continue;

    const next = at(p + 1);
    const nextWord = upper(next);
    // INTERVAL '7' DAY, INTERVAL -'7' DAY, INTERVAL 7 DAYS (DuckDB).
    const afterInterval = previous === "INTERVAL" || (isPunct(at(p - 1), "+", "-") && upper(at(p - 2)) === "INTERVAL");
    const interval = afterInterval && isUnit(nextWord) && (token.kind === "number" || INTERVAL_QUANTITY.test(token.text));
    if (token.kind === "string") {
      if (interval || (token.closed && unitArgument(p))) keep.add(tokenIndex);
      continue;
    }
    const open = opener[p];
    const openerWord = open === undefined ? undefined : upper(at(open - 1));
    const insideOnlyNumbers = (from: number) => {
      let q = from + 1;
      while (q < sig.length && !isPunct(at(q), ")")) {
        if (at(q)?.kind !== "number" && !isPunct(at(q), ",")) return false;
        q += 1;
      }
      return true;
    };
    const counts =
      previous === "LIMIT" ||
      previous === "OFFSET" ||
      ((previous === "FIRST" || previous === "NEXT") && upper(at(p - 2)) === "FETCH") ||
      nextWord === "PRECEDING" ||
      nextWord === "FOLLOWING" ||
      nextWord === "BUCKETS";
    const ordinal =
      byList === depth &&
      (previous === "BY" || isPunct(at(p - 1), ",")) &&
      (next === undefined || isPunct(next, ",", ")", ";") || AFTER_ORDINAL.has(nextWord ?? ""));
    const size = open !== undefined && TYPES_WITH_SIZE.has(openerWord ?? "") && insideOnlyNumbers(open);
    const sample =
      open !== undefined &&
      (openerWord === "BERNOULLI" || openerWord === "SYSTEM") &&
      upper(at(open - 2)) === "TABLESAMPLE" &&
      insideOnlyNumbers(open);
    // date_add('day', -7, ts): the quantity of a kept unit.
    const quantity =
      open !== undefined &&
      openerWord === "DATE_ADD" &&
      keep.has(sig[open + 1]?.i ?? -1) &&
      isPunct(at(open + 2), ",") &&
      (p === open + 3 || (p === open + 4 && isPunct(at(open + 3), "+", "-"))) &&
      isPunct(next, ",");
    if (interval || counts || ordinal || size || sample || quantity) keep.add(tokenIndex);
  }
  return keep;
}

/**
 * Whether a token overlaps what another reading of the query puts inside a string (an unterminated
 * quoted name counts: it may be one), other than that very string. One pass over the text.
 */
function insideOtherStrings(sql: string, other: readonly Token[]): (t: Token) => boolean {
  const inside = new Uint8Array(sql.length + 1);
  const same = new Set<string>();
  for (const t of other) {
    if (t.kind !== "string" && !(t.kind === "quoted" && !t.closed)) continue;
    inside.fill(1, t.start, t.end);
    same.add(`${t.start}:${t.end}`);
  }
  return (t) => !(t.kind === "string" && same.has(`${t.start}:${t.end}`)) && inside.subarray(t.start, t.end).includes(1);
}

export function redactSql(sql: string): string {
  const dialect = isHiveDdl(lex(sql, TRINO)) ? HIVE : TRINO;
  const tokens = lex(sql, dialect);
  const keep = structuralLiterals(tokens);
  // Whatever the other escaping convention reads as a string stays hidden too: a failed query's
  // `'it\'s secret'` is `'it\'` followed by words under Trino's rules.
  const hidden = sql.includes("\\") ? insideOtherStrings(sql, lex(sql, { ...dialect, backslash: !dialect.backslash })) : () => false;
  let out = "";
  let masked = false;
  for (const [i, token] of tokens.entries()) {
    if (!significant(token)) {
      out += " ";
      continue;
    }
    const shown =
      token.kind === "string" || (token.kind === "quoted" && !token.closed)
        ? keep.has(i)
          ? token.text
          : "'?'"
        : token.kind === "number" && !keep.has(i)
          ? "?"
          : token.text;
    if (shown === token.text && hidden(token)) {
      // One mark for a run of hidden tokens.
      if (!masked) out += " ? ";
      masked = true;
      continue;
    }
    masked = false;
    out += shown;
  }
  return out.replace(/\s+/g, " ").trim();
}
