import "server-only";
import { NextResponse } from "next/server";
import { ZodError } from "zod";
import { AppError } from "@/lib/errors";
import { formatZodIssues, summarizeIssues } from "@/lib/sweep/errors";

export interface ErrorBody {
  error: string;
  details: unknown;
}

export function json<T>(body: T, init?: ResponseInit): NextResponse<T> {
  return NextResponse.json(body, {
    ...init,
    headers: { "cache-control": "no-store", ...(init?.headers as Record<string, string> | undefined) },
  });
}

/** The one place where errors become HTTP statuses and bodies. */
export function describeError(error: unknown): { status: number; body: ErrorBody } {
  if (error instanceof AppError) {
    return { status: error.status, body: { error: error.message, details: error.details } };
  }
  if (error instanceof ZodError) {
    const details = formatZodIssues(error);
    return { status: 422, body: { error: `invalid request: ${summarizeIssues(details)}`, details } };
  }
  if (isTransientDatabaseError(error)) {
    return { status: 503, body: { error: "the database is busy; retry shortly", details: null } };
  }
  console.error("unhandled error in API route", error);
  return { status: 500, body: { error: "internal error", details: null } };
}

/**
 * No connection came free in time (the PostgreSQL pool's wait, lib/db/client.ts), or
 * another process held SQLite's write lock past the busy timeout: the request may succeed
 * if sent again, so it is a 503 with Retry-After, not a 500.
 */
function isTransientDatabaseError(error: unknown): boolean {
  const message = error instanceof Error ? error.message : "";
  const code = (error as { code?: unknown }).code;
  return /timeout exceeded when trying to connect|Unable to start a transaction in the given time/.test(message) || code === "SQLITE_BUSY";
}

export function errorResponse(error: unknown): NextResponse<ErrorBody> {
  const { status, body } = describeError(error);
  return json(body, { status, ...(status === 503 ? { headers: { "retry-after": "1" } } : {}) });
}

/**
 * Wraps a route handler so that every thrown error goes through
 * errorResponse. The handler's own response type is kept, so a browser
 * client can take a route's JSON body type from the route itself
 * (`ResponseBody<typeof GET>`, lib/client/api.ts) instead of writing it again.
 */
export function route<C, R extends Response>(
  handler: (request: Request, context: C) => Promise<R>,
): (request: Request, context: C) => Promise<R | NextResponse<ErrorBody>> {
  return async (request, context) => {
    try {
      return await handler(request, context);
    } catch (error) {
      return errorResponse(error);
    }
  };
}

/** The JSON body a route answers with on success: `T` of the `NextResponse<T>` its handler returns. */
export type ResponseBody<H> = H extends (...args: never[]) => Promise<infer R> ? SuccessBody<R> : never;
/** Distributes over the union of responses a handler can give, dropping the error body. */
type SuccessBody<R> = R extends NextResponse<infer T> ? ([T] extends [ErrorBody] ? never : T) : never;
