import { AppError } from "@/lib/errors";

/**
 * The one error type every dataset parser throws for bad input. Uploads come
 * from users, so each message says what the parser expected and what it
 * found; the API layer can show it verbatim (it never contains file bytes
 * beyond a short, escaped excerpt) and map the class to a 422 in one place.
 *
 * Anything else escaping a parser (TypeError, RangeError, ...) is a bug in
 * the parser, not bad input; the fuzz tests hold the parsers to that.
 */
export interface DatasetParseErrorInit {
  /** Human label of what was being read, e.g. "IDX images file", "PNG image cat/1.png". */
  format: string;
  /** What is wrong, e.g. "wrong magic number". */
  problem: string;
  /** Header field or part of the file the problem is about, when there is one. */
  field?: string;
  expected: string;
  found: string;
  /** A likely cause or fix, appended in parentheses. */
  hint?: string;
}

export class DatasetParseError extends AppError {
  readonly format: string;
  readonly problem: string;
  readonly field: string | undefined;
  readonly expected: string;
  readonly found: string;
  readonly hint: string | undefined;

  constructor(init: DatasetParseErrorInit) {
    const hint = init.hint ? ` (${init.hint})` : "";
    super(422, `${init.format}: ${init.problem}: expected ${init.expected}, found ${init.found}${hint}`, [
      {
        path: init.field ?? "file",
        message: `${init.format}: ${init.problem}`,
        expected: init.expected,
        received: init.found,
        ...(init.hint ? { hint: init.hint } : {}),
      },
    ]);
    this.format = init.format;
    this.problem = init.problem;
    this.field = init.field;
    this.expected = init.expected;
    this.found = init.found;
    this.hint = init.hint;
  }
}

/** Throw helper so guard clauses stay one line and TypeScript sees `never`. */
export function fail(init: DatasetParseErrorInit): never {
  throw new DatasetParseError(init);
}

/** 0x00000803 style, the way the IDX and PNG specs write magic numbers. */
export function hex(value: number, digits = 8): string {
  return `0x${(value >>> 0).toString(16).toUpperCase().padStart(digits, "0")}`;
}

/** "1,234,567 bytes": sizes in messages are easier to compare with separators. */
export function bytesText(n: number): string {
  return `${n.toLocaleString("en-US")} byte${n === 1 ? "" : "s"}`;
}

/** A short, printable excerpt of untrusted text for messages (names, header values). */
export function quote(text: string, max = 80): string {
  const cut = text.length > max ? `${text.slice(0, max)}…` : text;
  return JSON.stringify(cut);
}
