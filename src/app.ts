import express, { type ErrorRequestHandler } from 'express';
import type { AppRuntime } from './context';
import { createGraphQLServer } from './graphqlServer';
import { sessionApiRouter } from './rest/sessionApi';
import { shipApiRouter } from './rest/shipApi';
import { tokenAuthRouter } from './rest/tokenAuth';

export function buildApp(runtime: AppRuntime): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', runtime.config.trustProxy);

  // Yoga parses its own bodies, so it is mounted before any body parser.
  const yoga = createGraphQLServer(runtime);
  app.use(yoga.graphqlEndpoint, (req, res) => runtime.requests.track(Promise.resolve(yoga(req, res, { req, res }))));

  // REST compatibility dialects; each router parses its own bodies.
  app.use(sessionApiRouter(runtime));
  app.use(shipApiRouter(runtime));
  app.use(tokenAuthRouter(runtime));

  app.use((_req, res) => {
    res.status(404).json({ error: 'Not Found' });
  });
  const onError: ErrorRequestHandler = (error, _req, res, _next) => {
    const status = typeof error?.status === 'number' && error.status >= 400 && error.status < 500 ? error.status : 500;
    if (status === 500) console.error(error);
    res.status(status).json({ error: status === 500 ? 'Internal Server Error' : String(error.message ?? 'Bad Request') });
  };
  app.use(onError);
  return app;
}
