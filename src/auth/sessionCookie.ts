import type { Config } from '../config';

export interface CookieRequest {
  /** True when the request reached us over TLS (or through a trusted proxy that says so). */
  secure: boolean;
}

function attributes(config: Config, request: CookieRequest): string {
  const secure = config.cookieSecure || request.secure;
  return `Path=/; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`;
}

export function sessionCookie(config: Config, request: CookieRequest, sessionId: string): string {
  const maxAge = config.sessionSeconds > 0 ? `; Max-Age=${config.sessionSeconds}` : '';
  return `${config.sessionName}=${sessionId}; ${attributes(config, request)}${maxAge}`;
}

export function clearedSessionCookie(config: Config, request: CookieRequest): string {
  return `${config.sessionName}=; ${attributes(config, request)}; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT`;
}
