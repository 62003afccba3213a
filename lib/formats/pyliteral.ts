/**
 * A strict parser for the Python-literal subset that `.npy` headers use
 * (`{'descr': '<u1', 'fortran_order': False, 'shape': (10, 28, 28), }`):
 * dicts, tuples, lists, quoted strings, integers, True/False/None. NumPy
 * reads headers with ast.literal_eval; here nothing is ever evaluated, and
 * anything outside the subset is a parse error that names the position.
 */
import { fail, quote } from "./errors";

export type PyValue =
  | { kind: "str"; value: string }
  | { kind: "int"; value: number }
  | { kind: "bool"; value: boolean }
  | { kind: "none" }
  | { kind: "tuple"; items: PyValue[] }
  | { kind: "list"; items: PyValue[] }
  | { kind: "dict"; entries: Map<string, PyValue> };

/** Nesting beyond this is no header NumPy writes; the cap keeps recursion bounded. */
const MAX_DEPTH = 32;

export function parsePyLiteral(text: string, format: string): PyValue {
  let pos = 0;

  const bad = (expected: string): never =>
    fail({
      format,
      problem: "malformed header",
      field: "header",
      expected: `${expected} at offset ${pos}`,
      found: pos < text.length ? quote(text.slice(pos, pos + 20)) : "end of header",
    });

  const skipSpace = () => {
    while (pos < text.length && " \t\r\n".includes(text[pos] as string)) pos++;
  };

  const value = (depth: number): PyValue => {
    if (depth > MAX_DEPTH) bad(`nesting at most ${MAX_DEPTH} deep`);
    skipSpace();
    const c = text[pos];
    if (c === "{") return dict(depth);
    if (c === "(") return sequence("tuple", ")", depth);
    if (c === "[") return sequence("list", "]", depth);
    if (c === "'" || c === '"') return { kind: "str", value: string() };
    if (c !== undefined && (c === "-" || (c >= "0" && c <= "9"))) return integer();
    for (const [word, parsed] of [
      ["True", { kind: "bool", value: true }],
      ["False", { kind: "bool", value: false }],
      ["None", { kind: "none" }],
    ] as const) {
      if (text.startsWith(word, pos) && !/[A-Za-z0-9_]/.test(text[pos + word.length] ?? "")) {
        pos += word.length;
        return parsed;
      }
    }
    return bad("a value (dict, tuple, list, string, integer, True, False or None)");
  };

  const string = (): string => {
    const q = text[pos] as string;
    pos++;
    let out = "";
    while (pos < text.length && text[pos] !== q) {
      const c = text[pos] as string;
      // Descriptor strings never need escapes; refusing them keeps this tiny.
      if (c === "\\" || c === "\n") bad("a plain string without escapes or newlines");
      out += c;
      pos++;
    }
    if (pos >= text.length) bad(`closing ${q}`);
    pos++;
    return out;
  };

  const integer = (): PyValue => {
    const match = /^-?[0-9]{1,18}L?/.exec(text.slice(pos, pos + 21));
    if (!match) return bad("an integer of at most 18 digits");
    const digits = match[0].replace("L", ""); // Python 2 wrote longs as 3L
    pos += match[0].length;
    if (/[0-9A-Za-z_.]/.test(text[pos] ?? "")) bad("end of the integer");
    return { kind: "int", value: Number(digits) };
  };

  const sequence = (kind: "tuple" | "list", close: string, depth: number): PyValue => {
    pos++;
    const items: PyValue[] = [];
    let sawComma = false;
    for (;;) {
      skipSpace();
      if (text[pos] === close) break;
      items.push(value(depth + 1));
      skipSpace();
      if (text[pos] === ",") {
        pos++;
        sawComma = true;
        continue;
      }
      if (text[pos] !== close) bad(`"," or "${close}"`);
    }
    pos++;
    // (3) is just 3 in Python; a one-element tuple needs its comma.
    if (kind === "tuple" && items.length === 1 && !sawComma) return items[0] as PyValue;
    return kind === "tuple" ? { kind, items } : { kind, items };
  };

  const dict = (depth: number): PyValue => {
    pos++;
    const entries = new Map<string, PyValue>();
    for (;;) {
      skipSpace();
      if (text[pos] === "}") break;
      if (text[pos] !== "'" && text[pos] !== '"') bad("a quoted key");
      const key = string();
      if (entries.has(key)) bad(`no duplicate key ${quote(key)}`);
      skipSpace();
      if (text[pos] !== ":") bad('":"');
      pos++;
      entries.set(key, value(depth + 1));
      skipSpace();
      if (text[pos] === ",") {
        pos++;
        continue;
      }
      if (text[pos] !== "}") bad('"," or "}"');
    }
    pos++;
    return { kind: "dict", entries };
  };

  const result = value(0);
  skipSpace();
  if (pos !== text.length) bad("end of header");
  return result;
}

/** Python-style rendering for messages: (10, 28, 28), '<u1', True. */
export function pyText(v: PyValue): string {
  switch (v.kind) {
    case "str":
      return `'${v.value}'`;
    case "int":
      return String(v.value);
    case "bool":
      return v.value ? "True" : "False";
    case "none":
      return "None";
    case "tuple":
      return `(${v.items.map(pyText).join(", ")}${v.items.length === 1 ? "," : ""})`;
    case "list":
      return `[${v.items.map(pyText).join(", ")}]`;
    case "dict":
      return `{${[...v.entries].map(([k, x]) => `'${k}': ${pyText(x)}`).join(", ")}}`;
  }
}
