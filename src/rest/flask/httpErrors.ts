import { STATUS_CODES } from 'node:http';
import type { RequestHandler, Response } from 'express';
import type { RateLimitedError } from '../../services/errors';
import { sendJson } from './json';

// Pieces the Flask dialects share for errors that come from HTTP itself rather than the domain.

// Werkzeug 1.0's phrases where they differ from Node's.
const WERKZEUG_PHRASES: Record<number, string> = { 413: 'Request Entity Too Large' };

export function reasonPhrase(status: number): string {
  return WERKZEUG_PHRASES[status] ?? STATUS_CODES[status] ?? 'Error';
}

/**
 * The status of a client error raised by Express or its body parser (bad percent-encoding in a
 * path parameter, a body over the limit, an aborted upload), or null for anything else.
 */
export function clientErrorStatus(error: unknown): number | null {
  if (typeof error !== 'object' || error === null) return null;
  const { status, expose } = error as { status?: unknown; expose?: unknown };
  const fromHttp = expose === true || error instanceof URIError;
  return fromHttp && typeof status === 'number' && status >= 400 && status < 500 ? status : null;
}

/** For a path's other methods: OPTIONS lists the allowed ones, anything else is a JSON 405. */
export function methodNotAllowed(allow: string): RequestHandler {
  return (req, res) => {
    res.set('Allow', allow);
    if (req.method === 'OPTIONS') res.status(200).end();
    else sendJson(res, 405, { error: reasonPhrase(405) });
  };
}

/** 429 with Retry-After; `body` is the dialect's error shape. */
export function sendRateLimited(res: Response, error: RateLimitedError, body: unknown): void {
  res.setHeader('Retry-After', String(error.retryAfterSeconds));
  sendJson(res, 429, body);
}
