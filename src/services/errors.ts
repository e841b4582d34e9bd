// Expected failures of the domain. GraphQL exposes them as typed results; each REST dialect maps
// them to its own statuses and texts.

import type { TokenRejection } from '../auth/tokens';

export type FieldErrors = Record<string, string[]>;

export class DomainError extends Error {
  override name = 'DomainError';
}

export class NotFoundError extends DomainError {
  override name = 'NotFoundError';
  constructor(
    readonly resource: 'User' | 'Ship' | 'Session',
    readonly id: string,
  ) {
    super(`${resource} ${id} not found`);
  }
}

export class ValidationError extends DomainError {
  override name = 'ValidationError';
  constructor(readonly fieldErrors: FieldErrors) {
    super('Invalid input');
  }
}

export class ConflictError extends DomainError {
  override name = 'ConflictError';
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

export class ForbiddenError extends DomainError {
  override name = 'ForbiddenError';
  constructor(message = 'You are not allowed to do this') {
    super(message);
  }
}

/** Too many attempts; the client may retry after `retryAfterSeconds`. */
export class RateLimitedError extends DomainError {
  override name = 'RateLimitedError';
  constructor(readonly retryAfterSeconds: number) {
    super('Too many attempts, try again later');
  }
}

/** Why a credential was refused. Dialects that report finer detail (TX's JWT errors) switch on it. */
export type AuthFailureReason =
  | TokenRejection
  | 'missing'
  | 'malformed_header'
  | 'unknown_account'
  | 'wrong_password'
  | 'revoked'
  | 'fresh_token_required'
  | 'user_gone'
  | 'session_invalid'
  | 'session_expired';

const PUBLIC_MESSAGES: Record<AuthFailureReason, string> = {
  missing: 'Authentication required',
  malformed_header: 'Malformed Authorization header',
  // One message for both, so responses do not reveal whether an account exists.
  unknown_account: 'Invalid username or password',
  wrong_password: 'Invalid username or password',
  malformed_token: 'Malformed token',
  bad_signature: 'Invalid token',
  disallowed_alg: 'Invalid token',
  invalid_claims: 'Invalid token',
  expired: 'Token has expired',
  revoked: 'Token has been revoked',
  access_token_required: 'An access token is required',
  refresh_token_required: 'A refresh token is required',
  fresh_token_required: 'Fresh token required',
  user_gone: 'The account no longer exists',
  session_invalid: 'Session is invalid',
  session_expired: 'Session has expired',
};

export class UnauthenticatedError extends DomainError {
  override name = 'UnauthenticatedError';
  constructor(readonly reason: AuthFailureReason) {
    super(PUBLIC_MESSAGES[reason]);
  }
}
