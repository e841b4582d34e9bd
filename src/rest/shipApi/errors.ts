import type { ErrorRequestHandler, Response } from 'express';
import type { Credentials } from '../../auth/credentials';
import type { Clock } from '../../clock';
import { ConflictError, ForbiddenError, NotFoundError, RateLimitedError, UnauthenticatedError, ValidationError } from '../../services/errors';
import { sendJson } from '../flask/json';
import { clientErrorStatus, reasonPhrase, sendRateLimited } from '../flask/httpErrors';
import { jwtFailure } from './jwtErrors';
import { addServiceErrors, MarshmallowError, type Messages } from './marshmallow';

/** A TX response decided by the handler itself: `{"error": <reason phrase>, "message"?: ...}`. */
export class TxProblem extends Error {
  override name = 'TxProblem';
  constructor(
    readonly status: number,
    readonly detail?: string,
  ) {
    super(detail ?? reasonPhrase(status));
  }
}

const txBody = (status: number, message?: unknown) => (message === undefined ? { error: reasonPhrase(status) } : { error: reasonPhrase(status), message });

/** Handlers record the request's credentials here so JWT errors can be told in detail. */
export function rememberCredentials(res: Response, credentials: Credentials): void {
  res.locals.credentials = credentials;
}

const SERVICE_TO_BODY: Record<string, string> = { username: 'name', shipClass: 'ship_class' };

/** The one place TX turns failures into statuses and bodies. */
export function shipApiErrors(clock: Clock): ErrorRequestHandler {
  return (error, _req, res, next) => {
    if (error instanceof TxProblem) return sendJson(res, error.status, txBody(error.status, error.detail));
    if (error instanceof MarshmallowError) return sendJson(res, 400, txBody(400, error.messages));
    if (error instanceof ValidationError) {
      const messages: Messages = {};
      addServiceErrors(messages, error.fieldErrors, (field) => SERVICE_TO_BODY[field] ?? field);
      return sendJson(res, 400, txBody(400, messages));
    }
    if (error instanceof ConflictError) return sendJson(res, 400, txBody(400, error.message));
    if (error instanceof NotFoundError) return sendJson(res, 404, txBody(404));
    if (error instanceof ForbiddenError) return sendJson(res, 403, txBody(403));
    if (error instanceof RateLimitedError) return sendRateLimited(res, error, txBody(429, error.message));
    if (error instanceof UnauthenticatedError) {
      const credentials = (res.locals.credentials as Credentials | undefined) ?? { kind: 'none' };
      const failure = jwtFailure(error, credentials, Math.floor(clock() / 1000));
      return sendJson(res, failure.status, failure.body);
    }
    const status = clientErrorStatus(error);
    if (status !== null) return sendJson(res, status, txBody(status));
    next(error);
  };
}
