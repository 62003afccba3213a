/**
 * The one family of errors that carry an HTTP status: every domain error
 * (bad spec, unparsable upload, oversized grid, missing record...) extends
 * AppError, so the API's error mapper (lib/api/respond.ts) knows only this
 * base, zod's errors and "anything else is a 500". `details` is safe to show
 * to the caller.
 */
import type { FieldIssue } from "@/lib/sweep/errors";

/** One problem with a request, by the path of the field it is about; `hint` is a likely cause or fix. */
export type IssueDetail = FieldIssue & { hint?: string };

export class AppError extends Error {
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 409 | 413 | 415 | 422 | 503,
    message: string,
    readonly details: IssueDetail[] | Record<string, unknown> | null = null,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class BadRequestError extends AppError {
  constructor(message: string, details: IssueDetail[] | null = null) {
    super(400, message, details);
  }
}

export class UnauthorizedError extends AppError {
  constructor(message = "this action needs the sweep's owner secret") {
    super(401, message);
  }
}

export class ForbiddenError extends AppError {
  constructor(message = "the owner secret does not match this sweep") {
    super(403, message);
  }
}

export class NotFoundError extends AppError {
  constructor(what: string) {
    super(404, `${what} not found`);
  }
}

export class ConflictError extends AppError {
  constructor(message: string, details: Record<string, unknown> | null = null) {
    super(409, message, details);
  }
}

export class PayloadTooLargeError extends AppError {
  constructor(limitBytes: number, gotBytes: number | null) {
    super(413, `request body is larger than ${limitBytes} bytes`, {
      limitBytes,
      ...(gotBytes === null ? {} : { gotBytes }),
    });
  }
}

/** The server's storage quota for datasets is full. 413: the request is too large for what is left. */
export class StorageFullError extends AppError {
  constructor(quotaBytes: number, usedBytes: number, neededBytes: number) {
    super(
      413,
      `the server's dataset storage is full: ${usedBytes} of ${quotaBytes} bytes used, this set needs ${neededBytes}; delete unused uploads or raise BLOB_QUOTA_BYTES`,
      { quotaBytes, usedBytes, neededBytes },
    );
  }
}

export class ValidationError extends AppError {
  constructor(message: string, details: IssueDetail[]) {
    super(422, message, details);
  }
}
