import type { ErrorRequestHandler, RequestHandler } from 'express';
import { ConflictError, ForbiddenError, NotFoundError, RateLimitedError, ValidationError } from '../../services/errors';
import { sendJson } from '../flask/json';
import { clientErrorStatus, reasonPhrase, sendRateLimited } from '../flask/httpErrors';

/** An HB response decided by the handler or the filter: `{"error": <message>}`. */
export class HbProblem extends Error {
  override name = 'HbProblem';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export const unauthorized = () => new HbProblem(401, 'Unauthorized');
export const forbidden = () => new HbProblem(403, 'Forbidden');
export const wrongFormat = () => new HbProblem(400, 'Wrong format');

const HB_FIELDS: Record<string, string> = { username: 'email', firstName: 'first_name', lastName: 'last_name' };

function fieldReasons(fieldErrors: ValidationError['fieldErrors']): string {
  const byField = new Map<string, string[]>();
  for (const [field, messages] of Object.entries(fieldErrors)) {
    // HB's username is its email, so the email's own messages say it better.
    if (field === 'username' && 'email' in fieldErrors) continue;
    byField.set(HB_FIELDS[field] ?? field, messages);
  }
  return [...byField].map(([field, messages]) => `${field}: ${messages.join(' ')}`).join('; ');
}

/**
 * HB's save failure, `400 {"error": "<prefix>: <reason>"}` (the original's "Can't create User: …"),
 * for the service's validation and uniqueness errors; anything else is rethrown.
 */
export function saveFailure(prefix: string): (error: unknown) => never {
  return (error) => {
    if (error instanceof ValidationError) throw new HbProblem(400, `${prefix}: ${fieldReasons(error.fieldErrors)}`);
    if (error instanceof ConflictError) throw new HbProblem(400, `${prefix}: ${error.message}`);
    throw error;
  };
}

/** Anything under `/api/v1` that no route matched. */
export const hbNotFound: RequestHandler = (_req, res) => sendJson(res, 404, { error: 'Not found' });

/** The one place HB turns failures into statuses and bodies. */
export const hbErrors: ErrorRequestHandler = (error, req, res, next) => {
  if (error instanceof HbProblem) return sendJson(res, error.status, { error: error.message });
  if (error instanceof NotFoundError) return hbNotFound(req, res, next);
  if (error instanceof ForbiddenError) return sendJson(res, 403, { error: 'Forbidden' });
  if (error instanceof RateLimitedError) return sendRateLimited(res, error, { error: reasonPhrase(429) });
  const status = clientErrorStatus(error);
  if (status !== null) return sendJson(res, status, { error: reasonPhrase(status) });
  next(error);
};
