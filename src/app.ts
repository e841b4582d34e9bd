import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import express, { type ErrorRequestHandler } from 'express';
import type { AppRuntime } from './context';
import { graphiqlOffPage, graphiqlPage, wantsGraphiQL, type GraphiQLPage } from './graphql/graphiqlPage';
import { graphqlBodyLimit } from './graphql/bodyLimit';
import type { GraphQLRequest } from './graphql/request';
import { checkGraphQLUrl, GRAPHQL_PATH } from './graphql/requestUrl';
import { createGraphQLServer } from './graphql/server';
import { healthRouter } from './health';
import { openApiRouter } from './openapi/router';
import { METRICS_PATH, metricsHandler } from './observability/metricsEndpoint';
import { requestIdOf, trackExpressRoutes } from './observability/requestState';
import { isDatabaseOutage, logDatabaseOutage, OUTAGE_RETRY_AFTER_SECONDS } from './outage';
import { sendJson } from './rest/flask/json';
import { sessionApiRouter } from './rest/sessionApi/router';
import { shipApiRouter } from './rest/shipApi/router';
import { tokenApiDirect, tokenAuthRouter } from './rest/tokenApi/router';
import { expressBridge, type ExpressBridge } from './expressBridge';
import { setSecurityHeaders } from './securityHeaders';

/**
 * Every request's way in: a node:http listener. It sets the security headers, sends /graphql
 * straight to Yoga (which needs nothing of Express's routing) and everything else to the Express
 * app. A hook that must see every request (logs, metrics) is one line at the top of the returned
 * function. `http.createServer(createRequestListener(runtime))`.
 */
export function createRequestListener(runtime: AppRuntime): RequestListener {
  const app = buildApp(runtime);
  const bridge = expressBridge(app);
  const onError = errorHandler(runtime);
  const graphql = graphqlHandler(runtime, bridge, onError);
  const tokenApi = tokenApiDirect(runtime, bridge, onError);
  return (req, res) => {
    setSecurityHeaders(res);
    if (isGraphQLTarget(req.url ?? '/')) graphql(req, res);
    else if (!tokenApi(req, res)) app(req, res);
  };
}

/** Whether a request target (origin-form, or absolute-form as Express routes it, by its path) is the GraphQL endpoint. */
function isGraphQLTarget(url: string): boolean {
  if (url.startsWith('/')) {
    // The path ends at the query or, as Express's parser reads a target, at a fragment.
    const end = url.search(/[?#]/);
    return GRAPHQL_PATH.test(end < 0 ? url : url.slice(0, end));
  }
  return URL.canParse(url) && GRAPHQL_PATH.test(new URL(url).pathname);
}

/**
 * /graphql without Express (see expressBridge.ts): the URL check, the body limit, GraphiQL for a
 * browser's GET, else Yoga. What Express's getters would say (ip, protocol, secure) is copied onto
 * the request; only a GraphiQL page or an error answer give it Express's prototypes.
 */
function graphqlHandler(runtime: AppRuntime, bridge: ExpressBridge, onError: ErrorRequestHandler): (req: IncomingMessage, res: ServerResponse) => void {
  // A browser's GET gets GraphiQL, a static page served here rather than by Yoga, which can cut
  // the connection under a large response when the request also carried a body it did not read.
  let graphiql: Promise<GraphiQLPage> | undefined;
  const graphiqlFor = () =>
    (graphiql ??= runtime.config.graphqlIntrospection ? graphiqlPage('Hangar GraphiQL') : Promise.resolve(graphiqlOffPage('Hangar GraphiQL')));
  const yoga = createGraphQLServer(runtime);
  const checkBody = graphqlBodyLimit(runtime.config.bodyLimitBytes);
  const fail = (rawReq: IncomingMessage, rawRes: ServerResponse) => (error: unknown) => {
    const [req, res] = bridge.adopt(rawReq, rawRes);
    onError(error, req, res, () => undefined);
  };
  return (rawReq, rawRes) => {
    const req = rawReq as GraphQLRequest;
    try {
      Object.assign(req, bridge.facts(rawReq));
      req.originalUrl ??= req.url ?? '/';
      if (!checkGraphQLUrl(req, rawRes) || !checkBody(req, rawRes)) return;
      if (wantsGraphiQL(req.method ?? 'GET', req.headers.accept)) {
        graphiqlFor().then(
          (page) => {
            const [, res] = bridge.adopt(rawReq, rawRes);
            res.set({ 'Content-Security-Policy': page.contentSecurityPolicy, ETag: page.etag }).type('html').send(page.html);
          },
          fail(rawReq, rawRes),
        );
        return;
      }
      runtime.requests.track(Promise.resolve(yoga(req, rawRes, { req, res: rawRes }))).catch(fail(rawReq, rawRes));
    } catch (error) {
      fail(rawReq, rawRes)(error);
    }
  };
}

// The dialects' mappers pass on what they do not know, so a database outage lands here from all
// three (and from /graphql): `{"error": "Service Unavailable"}` reads as an error in each of them.
function errorHandler(runtime: AppRuntime): ErrorRequestHandler {
  return (error, req, res, _next) => {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    if (isDatabaseOutage(error)) {
      logDatabaseOutage(runtime.logger, `${req.method} ${req.originalUrl.split('?')[0]}`, error, requestIdOf(req));
      res.setHeader('Retry-After', String(OUTAGE_RETRY_AFTER_SECONDS));
      return sendJson(res, 503, { error: 'Service Unavailable' });
    }
    const status = typeof error?.status === 'number' && error.status >= 400 && error.status < 500 ? error.status : 500;
    if (status === 500) runtime.logger.error({ type: 'error', requestId: requestIdOf(req), err: error }, 'Unhandled error; answered 500');
    sendJson(res, status, { error: status === 500 ? 'Internal Server Error' : String(error.message ?? 'Bad Request') });
  };
}

/** Everything but /graphql: probes, the three REST dialects, the JSON 404 and the error mapper. */
export function buildApp(runtime: AppRuntime): express.Express {
  const app = express();
  trackExpressRoutes(app);
  app.disable('x-powered-by');
  // API answers are not cached by ETag, so they are not hashed for one; GraphiQL sets its own.
  app.set('etag', false);
  app.set('trust proxy', runtime.config.trustProxy);

  // RA's token API first: /api/resource and /api/token are the hot paths, and no other router
  // serves them, so they skip every other router's layers. Its paths run TX's cross-site check
  // themselves (the one TX middleware that saw them when RA's router came last).
  app.use(tokenAuthRouter(runtime));
  // Load-balancer probes: no auth, no body, paths no dialect uses.
  app.use(healthRouter(runtime));
  app.use(openApiRouter(runtime));
  // Without METRICS_TOKEN, /metrics is not served here (404 like any unknown path); see METRICS_PORT.
  if (runtime.config.metricsToken !== null) app.all(METRICS_PATH, metricsHandler(runtime.metrics, runtime.config.metricsToken, runtime.logger));

  // REST compatibility dialects; each router parses its own bodies and refuses cross-site cookie writes.
  app.use(sessionApiRouter(runtime));
  app.use(shipApiRouter(runtime));

  app.use((_req, res) => sendJson(res, 404, { error: 'Not Found' }));
  app.use(errorHandler(runtime));
  return app;
}
