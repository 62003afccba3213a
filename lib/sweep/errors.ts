import "@/lib/zod-config";
import type { z } from "zod";

/** One validation problem, flat enough to send as JSON in a 422 body. */
export interface FieldIssue {
  /** Dotted path into the config, e.g. "axes.mixRatio.values.2"; "" for the root. */
  path: string;
  message: string;
  expected?: string;
  received?: string;
}

export function joinPath(path: readonly PropertyKey[]): string {
  return path.map((segment) => (typeof segment === "symbol" ? segment.toString() : String(segment))).join(".");
}

function describeReceived(issue: z.core.$ZodIssue): string | undefined {
  const withReceived = issue as { received?: unknown; input?: unknown };
  if (typeof withReceived.received === "string") return withReceived.received;
  if ("input" in issue) {
    const input = withReceived.input;
    if (input === null) return "null";
    if (Array.isArray(input)) return "array";
    if (typeof input === "number" && Number.isNaN(input)) return "NaN";
    return typeof input;
  }
  // Zod only attaches the input with reportInput; its message still says it.
  return /received (\w+)/.exec(issue.message)?.[1];
}

function bound(inclusive: boolean | undefined, op: string, value: number | bigint): string {
  return `${op}${inclusive === false ? "" : "="} ${String(value)}`;
}

function describe(issue: z.core.$ZodIssue, basePath: string): FieldIssue[] {
  const path = basePath;
  switch (issue.code) {
    case "invalid_type":
      return [{ path, message: issue.message, expected: issue.expected, received: describeReceived(issue) }];
    case "too_small":
      return [{ path, message: issue.message, expected: bound(issue.inclusive, ">", issue.minimum) }];
    case "too_big":
      return [{ path, message: issue.message, expected: bound(issue.inclusive, "<", issue.maximum) }];
    case "invalid_value":
      return [
        {
          path,
          message: issue.message,
          expected: issue.values.map((v) => JSON.stringify(v) ?? String(v)).join(" | "),
        },
      ];
    case "invalid_format":
      return [{ path, message: issue.message, expected: issue.pattern ?? issue.format }];
    case "not_multiple_of":
      return [{ path, message: issue.message, expected: `multiple of ${String(issue.divisor)}` }];
    case "unrecognized_keys":
      // One entry per key, pointing at the key itself, so a form or an editor
      // can mark each stray field separately.
      return issue.keys.map((key) => ({
        path: path === "" ? key : `${path}.${key}`,
        message: `unknown key "${key}"`,
      }));
    default: {
      const received = issue.code === "invalid_union" ? describeReceived(issue) : undefined;
      return [{ path, message: issue.message, ...(received !== undefined ? { received } : {}) }];
    }
  }
}

/** Flattens a ZodError into one entry per problem, keeping paths precise. */
export function formatZodIssues(error: z.ZodError | { issues: readonly z.core.$ZodIssue[] }): FieldIssue[] {
  const out: FieldIssue[] = [];
  for (const issue of error.issues) {
    for (const entry of describe(issue, joinPath(issue.path))) {
      if (entry.received === undefined) delete entry.received;
      out.push(entry);
    }
  }
  return out;
}

/** "path: message" lines, for logs and thrown errors. */
export function summarizeIssues(issues: readonly FieldIssue[]): string {
  return issues.map((issue) => (issue.path === "" ? issue.message : `${issue.path}: ${issue.message}`)).join("\n");
}
