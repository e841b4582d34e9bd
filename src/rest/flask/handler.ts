import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { createContext, type AppRuntime, type RequestContext } from '../../context';

export type RestHandler = (ctx: RequestContext, req: Request, res: Response) => Promise<void>;

/**
 * Adapts a dialect handler to Express: builds the same request context GraphQL uses (credentials
 * resolved once, one forked EntityManager) and forwards any error to the router's error mapper.
 */
export function withContext(runtime: AppRuntime, handler: RestHandler): RequestHandler {
  return async (req: Request, res: Response, next: NextFunction) => {
    try {
      await runtime.requests.track((async () => handler(await createContext(runtime, req, res), req, res))());
    } catch (error) {
      next(error);
    }
  };
}
