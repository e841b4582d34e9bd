import type { Request } from 'express';

/** Flask's absolute `Location`: `http://` + the request's Host header verbatim + path. */
export function absoluteLocation(req: Request, path: string): string {
  return `http://${req.headers.host ?? 'localhost'}${path}`;
}
