import type { Request, Response } from 'express';
import { GraphQLError } from 'graphql';
import { createYoga } from 'graphql-yoga';
import { renderGraphiQL } from '@graphql-yoga/render-graphiql';
import { createContext, type AppRuntime, type RequestContext } from './context';
import { schema } from './schema';

interface ServerContext {
  req: Request;
  res: Response;
}

/** Yoga at /graphql. GraphiQL is rendered from the installed package, never from a CDN. */
export function createGraphQLServer(runtime: AppRuntime) {
  return createYoga<ServerContext, RequestContext>({
    schema,
    graphqlEndpoint: '/graphql',
    landingPage: false,
    renderGraphiQL,
    graphiql: { title: 'Hangar GraphiQL' },
    batching: false,
    maskedErrors: { isDev: false },
    context: async ({ req, res }) => {
      const ctx = await createContext(runtime, req, res);
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
