/**
 * A strict RFC 4180 reader for result files. Strict because a file that is
 * silently misread (a stray quote swallowing the rest of a row, a short row
 * shifting every value one column left) would import wrong numbers into a
 * sweep; it is better to stop and point at the line. The one leniency:
 * lines may end in LF as well as CRLF, since files edited on Linux or macOS
 * do, and a byte-order mark and trailing blank lines are ignored.
 */

export interface CsvError {
  /** 1-based physical line in the input. */
  line: number;
  /** 1-based character position within that line. */
  column: number;
  message: string;
}

export interface CsvRecord {
  fields: string[];
  line: number;
  /** Start of each field: its line and 1-based position on that line (quoted fields may span lines). */
  fieldLines: number[];
  columns: number[];
  /** Where the record ends (just past its last character), for "missing field" errors. */
  endLine: number;
  endColumn: number;
}

export type CsvParseResult = { ok: true; header: string[]; rows: Record<string, string>[]; rowLines: number[] } | { ok: false; errors: CsvError[] };

export type CsvRecordsResult = { ok: true; records: CsvRecord[] } | { ok: false; errors: CsvError[] };

/** Splits text into records; stops at the first structural error (its position is then unreliable). */
export function parseCsvRecords(input: string): CsvRecordsResult {
  const text = input.startsWith("\uFEFF") ? input.slice(1) : input;
  const records: CsvRecord[] = [];
  let i = 0;
  let line = 1;
  let column = 1;
  const fail = (message: string, atLine = line, atColumn = column): CsvRecordsResult => ({
    ok: false,
    errors: [{ line: atLine, column: atColumn, message }],
  });

  while (i < text.length) {
    const record: CsvRecord = { fields: [], line, fieldLines: [], columns: [], endLine: line, endColumn: column };
    for (;;) {
      record.fieldLines.push(line);
      record.columns.push(column);
      let value = "";
      if (text[i] === '"') {
        const startLine = line;
        const startColumn = column;
        i++;
        column++;
        for (;;) {
          if (i >= text.length) return fail("unterminated quoted field (no closing quote)", startLine, startColumn);
          const c = text[i]!;
          if (c === '"') {
            if (text[i + 1] === '"') {
              value += '"';
              i += 2;
              column += 2;
              continue;
            }
            i++;
            column++;
            break;
          }
          value += c;
          i++;
          if (c === "\n") {
            line++;
            column = 1;
          } else {
            column++;
          }
        }
        const next = text[i];
        if (next !== undefined && next !== "," && next !== "\n" && next !== "\r") {
          return fail(`unexpected ${JSON.stringify(next)} after a closing quote (expected a comma or a line end)`);
        }
      } else {
        while (i < text.length) {
          const c = text[i]!;
          if (c === "," || c === "\n" || c === "\r") break;
          if (c === '"') return fail("a quote inside an unquoted field (quote the whole field and double the quote)");
          value += c;
          i++;
          column++;
        }
      }
      record.fields.push(value);
      record.endLine = line;
      record.endColumn = column;

      const c = text[i];
      if (c === ",") {
        i++;
        column++;
        continue;
      }
      if (c === "\r") {
        if (text[i + 1] !== "\n") return fail("a carriage return not followed by a line feed");
        i += 2;
      } else if (c === "\n") {
        i++;
      }
      if (c !== undefined) {
        line++;
        column = 1;
      }
      break;
    }
    records.push(record);
  }

  while (records.length > 0) {
    const last = records[records.length - 1]!;
    if (last.fields.length === 1 && last.fields[0] === "") records.pop();
    else break;
  }
  return { ok: true, records };
}

/**
 * Parses a CSV with a header row into records keyed by column name. Every
 * row must have exactly as many fields as the header; all ragged rows are
 * reported (up to `maxErrors`), so a user can fix a file in one pass.
 */
export function parseResultsCsv(text: string, options: { maxErrors?: number } = {}): CsvParseResult {
  const maxErrors = options.maxErrors ?? 20;
  const parsed = parseCsvRecords(text);
  if (!parsed.ok) return parsed;
  const [headerRecord, ...body] = parsed.records;
  if (!headerRecord) return { ok: false, errors: [{ line: 1, column: 1, message: "empty input: expected a header row" }] };

  const errors: CsvError[] = [];
  const header = headerRecord.fields;
  const seen = new Map<string, number>();
  header.forEach((name, index) => {
    const at = { line: headerRecord.fieldLines[index]!, column: headerRecord.columns[index]! };
    if (name === "") errors.push({ ...at, message: `header field ${index + 1} is empty` });
    const first = seen.get(name);
    if (first !== undefined && name !== "") {
      errors.push({ ...at, message: `duplicate column name "${name}" (also field ${first + 1})` });
    }
    if (first === undefined) seen.set(name, index);
  });

  const rows: Record<string, string>[] = [];
  const rowLines: number[] = [];
  for (const record of body) {
    const count = record.fields.length;
    if (count !== header.length) {
      if (errors.length < maxErrors) {
        const blank = count === 1 && record.fields[0] === "";
        // Too many: point at the first extra field. Too few: point at the row's end.
        const at =
          count > header.length
            ? { line: record.fieldLines[header.length]!, column: record.columns[header.length]! }
            : { line: record.endLine, column: record.endColumn };
        errors.push({
          ...at,
          message: blank ? `blank line (expected ${header.length} fields)` : `row has ${count} fields; the header has ${header.length}`,
        });
      }
      continue;
    }
    rows.push(Object.fromEntries(header.map((name, index) => [name, record.fields[index]!])));
    rowLines.push(record.line);
  }
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, header, rows, rowLines };
}
