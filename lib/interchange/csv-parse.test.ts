import { describe, expect, it } from "vitest";
import { parseResultsCsv, type CsvParseResult } from "./csv-parse";

function errorsOf(result: CsvParseResult) {
  if (result.ok) throw new Error("expected the parse to fail");
  return result.errors;
}

describe("parseResultsCsv", () => {
  it("reads quoted fields, doubled quotes and embedded line breaks", () => {
    const result = parseResultsCsv('a,b,c\r\n1,"x, y","say ""hi"""\r\n2,"two\r\nlines",\r\n');
    expect(result).toEqual({
      ok: true,
      header: ["a", "b", "c"],
      rows: [
        { a: "1", b: "x, y", c: 'say "hi"' },
        { a: "2", b: "two\r\nlines", c: "" },
      ],
      rowLines: [2, 3],
    });
  });

  it("accepts LF line ends, a byte-order mark, no final newline and trailing blank lines", () => {
    const result = parseResultsCsv("\uFEFFa,b\n1,2\n3,4\n\n");
    expect(result.ok && result.rows).toEqual([
      { a: "1", b: "2" },
      { a: "3", b: "4" },
    ]);
    expect(parseResultsCsv("a,b\n1,2").ok).toBe(true);
  });

  it("keeps '__proto__' as an ordinary column", () => {
    const result = parseResultsCsv("__proto__,b\r\nx,y\r\n");
    if (!result.ok) throw new Error("parse failed");
    expect(Object.keys(result.rows[0]!)).toEqual(["__proto__", "b"]);
    expect(result.rows[0]!["__proto__"]).toBe("x");
  });

  it("names the line and column of an unterminated quote", () => {
    expect(errorsOf(parseResultsCsv('a,b\r\n1,2\r\n3,"open\r\n4,5\r\n'))).toEqual([
      { line: 3, column: 3, message: "unterminated quoted field (no closing quote)" },
    ]);
  });

  it("reports every ragged row with its position", () => {
    const errors = errorsOf(parseResultsCsv("a,b,c\n1,2,3\n4,5\n6,7,8,9\n\n10,11,12\n"));
    expect(errors).toEqual([
      { line: 3, column: 4, message: "row has 2 fields; the header has 3" },
      { line: 4, column: 7, message: "row has 4 fields; the header has 3" },
      { line: 5, column: 1, message: "blank line (expected 3 fields)" },
    ]);
  });

  it("points past a multi-line quoted field for a short row", () => {
    expect(errorsOf(parseResultsCsv('a,b,c\n1,"x\nyz"\n'))).toEqual([{ line: 3, column: 4, message: "row has 2 fields; the header has 3" }]);
  });

  it("rejects stray quotes and characters after a closing quote", () => {
    expect(errorsOf(parseResultsCsv('a,b\n1,2"3\n'))[0]).toMatchObject({ line: 2, column: 4 });
    expect(errorsOf(parseResultsCsv('a,b\n"1"x,2\n'))[0]).toMatchObject({
      line: 2,
      column: 4,
      message: 'unexpected "x" after a closing quote (expected a comma or a line end)',
    });
    expect(errorsOf(parseResultsCsv("a,b\r1,2\r\n"))[0]).toMatchObject({ line: 1, column: 4 });
  });

  it("rejects an empty input and bad headers", () => {
    expect(errorsOf(parseResultsCsv(""))).toEqual([{ line: 1, column: 1, message: "empty input: expected a header row" }]);
    expect(errorsOf(parseResultsCsv("a,b,a\n1,2,3\n"))).toEqual([{ line: 1, column: 5, message: 'duplicate column name "a" (also field 1)' }]);
    expect(errorsOf(parseResultsCsv("a,,c\n1,2,3\n"))[0]!.message).toBe("header field 2 is empty");
  });
});
