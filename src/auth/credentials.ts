import type { IncomingHttpHeaders } from 'node:http';

/** What a request presents, before anything is checked against the database. */
export type Credentials =
  | { kind: 'none' }
  | { kind: 'password'; identifier: string; password: string }
  | { kind: 'token'; token: string; scheme: 'basic' | 'bearer' }
  | { kind: 'session'; sessionId: string }
  | { kind: 'malformed'; scheme: string };

export interface BasicPair {
  username: string;
  password: string;
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Decodes the part after "Basic ": strict base64 of UTF-8 "user:password" (RFC 7617). */
export function decodeBasic(encoded: string): BasicPair | null {
  if (!BASE64.test(encoded) || encoded.length % 4 !== 0) return null;
  let text: string;
  try {
    text = utf8.decode(Buffer.from(encoded, 'base64'));
  } catch {
    return null;
  }
  const colon = text.indexOf(':');
  if (colon < 0) return null;
  return { username: text.slice(0, colon), password: text.slice(colon + 1) };
}

/** Cookie header parsing: first occurrence wins, surrounding double quotes are removed. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== name) continue;
    let value = part.slice(eq + 1).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    try {
      return decodeURIComponent(value);
    } catch {
      return value;
    }
  }
  return undefined;
}

/**
 * Precedence: an Authorization header decides on its own; the session cookie is read only when
 * there is no Authorization header. A header that cannot be understood is an error, not anonymity.
 */
export function readCredentials(headers: IncomingHttpHeaders, sessionName: string, looksLikeToken: (value: string) => boolean): Credentials {
  const authorization = headers.authorization?.trim();
  if (authorization) {
    const [scheme = '', ...rest] = authorization.split(/\s+/);
    const value = rest.join(' ');
    switch (scheme.toLowerCase()) {
      case 'bearer':
        return rest.length === 1 && value ? { kind: 'token', token: value, scheme: 'bearer' } : { kind: 'malformed', scheme: 'bearer' };
      case 'basic': {
        const pair = rest.length === 1 ? decodeBasic(value) : null;
        if (!pair) return { kind: 'malformed', scheme: 'basic' };
        if (looksLikeToken(pair.username)) return { kind: 'token', token: pair.username, scheme: 'basic' };
        return { kind: 'password', identifier: pair.username, password: pair.password };
      }
      default:
        return { kind: 'malformed', scheme: scheme.toLowerCase() };
    }
  }
  const sessionId = readCookie(headers.cookie, sessionName);
  if (sessionId !== undefined) return { kind: 'session', sessionId };
  return { kind: 'none' };
}
