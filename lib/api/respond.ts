import "server-only";
import { NextResponse } from "next/server";
import { ZodError } from "zod";
import { DatasetParseError } from "@/lib/data/errors";
import { AppError } from "@/lib/errors";
import { DatasetFormatError } from "@/lib/train/dataset";
import { GridTooLargeError } from "@/lib/sweep/grid";
import { formatZodIssues, summarizeIssues } from "@/lib/sweep/errors";
import { SweepSpecError } from "@/lib/sweep/wandb";

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

/** The one place where errors become HTTP responses. */
export function errorResponse(error: unknown): NextResponse<ErrorBody> {
  if (error instanceof AppError) {
    return json({ error: error.message, details: error.details }, { status: error.status });
  }
  if (error instanceof ZodError) {
    const details = formatZodIssues(error);
    return json({ error: `invalid request: ${summarizeIssues(details)}`, details }, { status: 422 });
  }
  if (error instanceof SweepSpecError) {
    return json({ error: error.message, details: error.issues }, { status: 422 });
  }
  if (error instanceof DatasetParseError) {
    const { format, problem, field, expected, found, hint } = error;
    return json(
      { error: error.message, details: [{ path: field ?? "file", message: `${format}: ${problem}`, expected, received: found, ...(hint ? { hint } : {}) }] },
      { status: 422 },
    );
  }
  if (error instanceof DatasetFormatError) {
    return json({ error: error.message, details: [{ path: "body", message: error.message }] }, { status: 422 });
  }
  if (error instanceof GridTooLargeError) {
    return json(
      { error: error.message, details: [{ path: "axes", message: error.message, expected: `<= ${error.limit} trials`, received: `${error.trialCount} trials` }] },
      { status: 422 },
    );
  }
  console.error("unhandled error in API route", error);
  return json({ error: "internal error", details: null }, { status: 500 });
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
