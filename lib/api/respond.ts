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

type Handler<C> = (request: Request, context: C) => Promise<Response>;

/** Wraps a route handler so that every thrown error goes through errorResponse. */
export function route<C>(handler: Handler<C>): Handler<C> {
  return async (request, context) => {
    try {
      return await handler(request, context);
    } catch (error) {
      return errorResponse(error);
    }
  };
}
