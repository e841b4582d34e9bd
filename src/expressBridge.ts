import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Express, Request, Response } from 'express';

/**
 * For paths served before Express (/graphql, RA's GET /api/resource and /api/token). Express gives
 * every request its own prototypes (Object.setPrototypeOf), after which V8 runs every access to
 * the request and response far slower; these paths keep node:http's prototypes and ask Express
 * only for what they need of it.
 */
export interface ExpressBridge {
  /** What Express's getters say of the request (through TRUST_PROXY), read on a stand-in. */
  facts(req: IncomingMessage): { ip: string | undefined; protocol: string; secure: boolean };
  /** The request and response as Express's, for an answer that uses Express's methods (errors, GraphiQL). */
  adopt(req: IncomingMessage, res: ServerResponse): [Request, Response];
}

export function expressBridge(app: Express): ExpressBridge {
  return {
    facts(req) {
      const view = Object.assign(Object.create(app.request) as Request, { headers: req.headers, socket: req.socket, connection: req.socket });
      const protocol = view.protocol;
      return { ip: view.ip, protocol, secure: protocol === 'https' };
    },
    adopt(rawReq, rawRes) {
      const req = Object.setPrototypeOf(rawReq, app.request) as Request;
      const res = Object.setPrototypeOf(rawRes, app.response) as Response;
      req.res = res;
      res.req = req;
      req.originalUrl ??= req.url;
      res.locals ??= Object.create(null);
      return [req, res];
    },
  };
}
