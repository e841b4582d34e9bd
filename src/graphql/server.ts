import type { ServerResponse } from 'node:http';
import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import { useCSRFPrevention } from '@graphql-yoga/plugin-csrf-prevention';
import { GraphQLError, NoSchemaIntrospectionCustomRule } from 'graphql';
import { createYoga, maskError, type Plugin } from 'graphql-yoga';
import { createContext, shareEntityManager, type AppRuntime, type RequestContext } from '../context';
import { holdFakePromiseShapes } from './fakePromiseShapes';
import { armorConfig, resultSizeLimit } from './limits';
import type { GraphQLRequest } from './request';
import { clientErrorsFromParsers, jsonErrorBodies } from './wireErrors';
import { isDatabaseOutage, OUTAGE_RETRY_AFTER_SECONDS } from '../outage';
import { MaskedErrors, observabilityPlugin, yogaLogger } from './observability';
import { rateLimitedGraphQLError } from '../schema/errors';
import { RateLimitedError } from '../services/errors';
import { schema } from '../schema';

/** Headers that make a browser preflight a request, so a cross-site form or image cannot forge it. */
export const CSRF_HEADERS = ['x-graphql-yoga-csrf', 'apollo-require-preflight'];

const disableIntrospection: Plugin = {
  onValidate({ addValidationRule }) {
    addValidationRule(NoSchemaIntrospectionCustomRule);
  },
};

/** A database outage is a status the client must see, 503 with Retry-After, not an internal error. */
function serviceUnavailableError(error: unknown): GraphQLError {
  const located = error instanceof GraphQLError ? error : undefined;
  return new GraphQLError('Service unavailable; retry shortly.', {
    nodes: located?.nodes,
    path: located?.path,
    extensions: {
      code: 'SERVICE_UNAVAILABLE',
      http: { status: 503, headers: { 'Retry-After': String(OUTAGE_RETRY_AFTER_SECONDS) } },
    },
  });
}

interface ServerContext {
  req: GraphQLRequest;
  res: ServerResponse;
}

/** Yoga at /graphql. */
export function createGraphQLServer(runtime: AppRuntime) {
  holdFakePromiseShapes();
  const masked = new MaskedErrors();
  return createYoga<ServerContext, RequestContext>({
    schema,
    graphqlEndpoint: '/graphql',
    landingPage: false,
    // GraphiQL is served by the app (src/app.ts), from the installed package, never from a CDN.
    graphiql: false,
    batching: false,
    // There is no Upload scalar, so multipart bodies are refused (415) rather than parsed.
    multipart: false,
    // graphqlBodyLimit (src/graphql/bodyLimit.ts) has refused, before Yoga runs, every body over the
    // limit and every body without a Content-Length, and node:http reads no more than that length:
    // Yoga's own limit would only pipe each body through a stream transform to count it again.
    maxRequestBodySize: false,
    // Yoga's default reflects any Origin with credentials; only configured origins get CORS here.
    cors: (request) => {
      const origin = request.headers.get('origin');
      return origin !== null && runtime.config.corsOrigins.includes(origin) ? { origin, credentials: true } : false;
    },
    // Errors masked below are logged once, with their request's id, by observabilityPlugin.
    logging: yogaLogger(runtime.logger, masked),
    maskedErrors: {
      isDev: false,
      // Throttling is a status the client must see (429 + Retry-After), not an internal error.
      // Resolvers convert it themselves (withThrottle); this catches any that do not.
      // Errors from the context factory (verifying credentials) arrive here unwrapped.
      maskError: (error, message, isDev) => {
        if (error instanceof GraphQLError && error.originalError instanceof RateLimitedError) return rateLimitedGraphQLError(error.originalError, error);
        const replacement = isDatabaseOutage(error) ? serviceUnavailableError(error) : maskError(error, message, isDev);
        if (replacement !== error) masked.remember(replacement, error);
        return replacement;
      },
    },
    plugins: [
      observabilityPlugin(runtime.logger, runtime.metrics, masked),
      clientErrorsFromParsers,
      jsonErrorBodies,
      // JSON bodies are never "simple" requests; GET and form-encoded requests must carry a CSRF header.
      useCSRFPrevention({ requestHeaders: CSRF_HEADERS }),
      EnvelopArmorPlugin(armorConfig(!runtime.config.graphqlFieldSuggestions)),
      resultSizeLimit,
      ...(runtime.config.graphqlIntrospection ? [] : [disableIntrospection]),
    ],
    context: async (initial) => {
      const ctx = await createContext(runtime, initial.req, initial.res);
      shareEntityManager(ctx, initial);
      if (ctx.authError instanceof RateLimitedError) throw rateLimitedGraphQLError(ctx.authError);
      if (ctx.authError) {
        // Bad credentials fail the whole request; they never fall back to anonymous.
        throw new GraphQLError(ctx.authError.message, {
          extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } },
        });
      }
      return ctx;
    },
  });
}
