import express, { type ErrorRequestHandler } from 'express';
import helmet from 'helmet';
import type { AppRuntime } from './context';
import { graphiqlOffPage, graphiqlPage, wantsGraphiQL, type GraphiQLPage } from './graphql/graphiqlPage';
import { graphqlBodyLimit } from './graphql/bodyLimit';
import { GRAPHQL_PATH, graphqlRequestUrl } from './graphql/requestUrl';
import { createGraphQLServer } from './graphql/server';
import { healthRouter } from './health';
import { openApiRouter } from './openapi/router';
import { METRICS_PATH, metricsHandler } from './observability/metricsEndpoint';
import { requestIdOf } from './observability/requestState';
import { isDatabaseOutage, logDatabaseOutage, OUTAGE_RETRY_AFTER_SECONDS } from './outage';
import { sendJson } from './rest/flask/json';
import { sessionApiRouter } from './rest/sessionApi/router';
import { shipApiRouter } from './rest/shipApi/router';
import { tokenAuthRouter } from './rest/tokenApi/router';

export function buildApp(runtime: AppRuntime): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', runtime.config.trustProxy);

  // An API answers with data, never with a document to render: the strictest CSP fits everything
  // but the GraphiQL page, which gets its own below.
  app.use(
    helmet({
      contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"], baseUri: ["'none'"] } },
    }),
  );

  // Load-balancer probes: no auth, no body, paths no dialect uses.
  app.use(healthRouter(runtime));
  app.use(openApiRouter(runtime));
  // Without METRICS_TOKEN, /metrics is not served here (404 like any unknown path); see METRICS_PORT.
  if (runtime.config.metricsToken !== null) app.all(METRICS_PATH, metricsHandler(runtime.metrics, runtime.config.metricsToken, runtime.logger));

  // Yoga parses its own bodies, so it is mounted before any body parser.
  // A browser's GET gets GraphiQL, a static page served here rather than by Yoga, which can cut
  // the connection under a large response when the request also carried a body it did not read.
  let graphiql: Promise<GraphiQLPage> | undefined;
  const graphiqlFor = () =>
    (graphiql ??= runtime.config.graphqlIntrospection ? graphiqlPage('Hangar GraphiQL') : Promise.resolve(graphiqlOffPage('Hangar GraphiQL')));
  const yoga = createGraphQLServer(runtime);
  app.all(GRAPHQL_PATH, graphqlRequestUrl(), graphqlBodyLimit(runtime.config.bodyLimitBytes), (req, res, next) => {
    if (wantsGraphiQL(req.method, req.headers.accept)) {
      graphiqlFor().then((page) => {
        res.set({ 'Content-Security-Policy': page.contentSecurityPolicy, ETag: page.etag }).type('html').send(page.html);
      }, next);
      return;
    }
    return runtime.requests.track(Promise.resolve(yoga(req, res, { req, res })));
  });

  // REST compatibility dialects; each router parses its own bodies and refuses cross-site cookie writes.
  app.use(sessionApiRouter(runtime));
  app.use(shipApiRouter(runtime));
  app.use(tokenAuthRouter(runtime));

  app.use((_req, res) => sendJson(res, 404, { error: 'Not Found' }));
  // The dialects' mappers pass on what they do not know, so a database outage lands here from all
  // three: `{"error": "Service Unavailable"}` reads as an error in each of them.
  const onError: ErrorRequestHandler = (error, req, res, _next) => {
    if (isDatabaseOutage(error)) {
      logDatabaseOutage(runtime.logger, `${req.method} ${req.originalUrl.split('?')[0]}`, error, requestIdOf(req));
      res.setHeader('Retry-After', String(OUTAGE_RETRY_AFTER_SECONDS));
      return sendJson(res, 503, { error: 'Service Unavailable' });
    }
    const status = typeof error?.status === 'number' && error.status >= 400 && error.status < 500 ? error.status : 500;
    if (status === 500) runtime.logger.error({ type: 'error', requestId: requestIdOf(req), err: error }, 'Unhandled error; answered 500');
    sendJson(res, status, { error: status === 500 ? 'Internal Server Error' : String(error.message ?? 'Bad Request') });
  };
  app.use(onError);
  return app;
}
