/**
 * Errors of the HTTP app as protocol values: a route throws an {@link ApiError} and the error handler installed
 * last answers JSON `{ error: "<code>", message }` (the public contract's codes), never a stack trace.
 */
import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from 'pino';
import type { ApiErrorBody } from '../../../src/protocol/wire.js';

export type ErrorCode = 'invalid-room' | 'forbidden' | 'room-full' | 'rate-limited' | 'bad-request' | 'not-found' | 'too-many-waiting' | 'unavailable' | 'internal';

export class ApiError extends Error {
  constructor(readonly status: number, readonly code: ErrorCode, message: string, readonly retryAfter?: number) {
    super(message);
  }
}

/** Shared mode with Redis unreachable: nothing new is granted (calls in progress go on). */
export const unavailable = (): ApiError => new ApiError(503, 'unavailable', 'The call service is briefly unavailable; try again in a moment.', 2);

/** Anything under `/api` that no route answered. */
export const apiNotFound: RequestHandler = (_req, _res, next) => next(new ApiError(404, 'not-found', 'No such API endpoint.'));

/** Install after every other route: JSON errors for the API, never a stack trace. Unexpected errors are logged. */
export function errorHandler(log: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    const status = (error as { status?: unknown } | null)?.status;
    const known =
      error instanceof ApiError
        ? error
        : (error as { type?: string }).type === 'entity.parse.failed'
          ? new ApiError(400, 'bad-request', 'The request body is not valid JSON.')
          : typeof status === 'number' && status >= 400 && status < 500
            ? new ApiError(status, 'bad-request', `The request was refused: ${(error as Error).message}.`)
            : error instanceof URIError
              ? new ApiError(400, 'bad-request', 'The request path is not valid.')
              : null;
    if (!known) log.error({ err: error, path: req.path }, 'request failed');
    const e = known ?? new ApiError(500, 'internal', 'The server could not handle this request.');
    if (e.retryAfter !== undefined) res.set('Retry-After', String(e.retryAfter));
    res.status(e.status).json({ error: e.code, message: e.message } satisfies ApiErrorBody);
  };
}
