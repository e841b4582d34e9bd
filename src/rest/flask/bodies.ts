import express, { type Request, type RequestHandler } from 'express';

// Request bodies for the REST dialects. Each router mounts `limitedBody` ahead of everything else on
// its own paths, so /graphql and paths no router serves never see a body parser.

/**
 * Buffers the body of any content type into `req.body`, up to `limitBytes`. Failures (too large,
 * aborted, unsupported encoding) reach the router's error mapper as 4xx http errors (`clientErrorStatus`).
 */
function rawBody(limitBytes: number): RequestHandler {
  return express.raw({ type: () => true, limit: limitBytes });
}

/**
 * The body limit, first on every route of a router, before anything that may verify a password:
 * a declared length over the limit is refused unread, and a body of unknown length (chunked) is
 * read only up to the limit, so an oversized body gets 413 whatever its framing, and never argon2.
 */
export function limitedBody(limitBytes: number): RequestHandler[] {
  return [declaredLengthLimit(limitBytes), rawBody(limitBytes)];
}

function declaredLengthLimit(limitBytes: number): RequestHandler {
  return (req, res, next) => {
    if (!(Number(req.headers['content-length']) > limitBytes)) return next();
    res.set('Connection', 'close');
    req.resume();
    next(Object.assign(new Error('request entity too large'), { status: 413, expose: true }));
  };
}

export type JsonBody = { ok: true; value: unknown } | { ok: false };

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Parses the buffered body as JSON (UTF-8). An empty or unparsable body is `{ ok: false }`. */
export function readJson(req: Request): JsonBody {
  const body: unknown = req.body;
  if (!Buffer.isBuffer(body) || body.length === 0) return { ok: false };
  try {
    return { ok: true, value: JSON.parse(utf8.decode(body)) };
  } catch {
    return { ok: false };
  }
}

function mediaType(req: Request): string {
  return (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
}

/** `application/json` or any `application/*+json`. */
export function hasJsonContentType(req: Request): boolean {
  const type = mediaType(req);
  return type === 'application/json' || /^application\/[^/]+\+json$/.test(type);
}

/** Form posts, whose raw body Flask never hands to a JSON reader. */
export function hasFormContentType(req: Request): boolean {
  const type = mediaType(req);
  return type === 'application/x-www-form-urlencoded' || type.startsWith('multipart/');
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
