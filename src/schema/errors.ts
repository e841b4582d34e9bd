import { GraphQLError } from 'graphql';
import { ConflictError, ForbiddenError, NotFoundError, RateLimitedError, UnauthenticatedError, ValidationError } from '../services/errors';
import { builder } from './builder';

const ErrorInterface = builder.interfaceRef<Error>('Error').implement({
  description: 'Every expected failure implements Error; match on __typename for the kind.',
  fields: (t) => ({ message: t.exposeString('message') }),
});

builder.objectType(NotFoundError, {
  name: 'NotFoundError',
  interfaces: [ErrorInterface],
  fields: (t) => ({
    resource: t.exposeString('resource'),
    resourceId: t.exposeString('id'),
  }),
});

const FieldError = builder.objectRef<{ field: string; messages: string[] }>('FieldError').implement({
  fields: (t) => ({
    field: t.exposeString('field', { description: 'Input field path, e.g. "password" or "roles.2".' }),
    messages: t.exposeStringList('messages'),
  }),
});

builder.objectType(ValidationError, {
  name: 'ValidationError',
  interfaces: [ErrorInterface],
  fields: (t) => ({
    fieldErrors: t.field({
      type: [FieldError],
      resolve: (error) => Object.entries(error.fieldErrors).map(([field, messages]) => ({ field, messages })),
    }),
  }),
});

builder.objectType(ConflictError, {
  name: 'ConflictError',
  interfaces: [ErrorInterface],
  fields: (t) => ({ field: t.exposeString('field') }),
});

builder.objectType(UnauthenticatedError, {
  name: 'UnauthenticatedError',
  description: 'Credentials are missing or were refused.',
  interfaces: [ErrorInterface],
});

builder.objectType(ForbiddenError, {
  name: 'ForbiddenError',
  interfaces: [ErrorInterface],
});

/**
 * Throttling is not a typed result: it fails the operation with HTTP 429 and Retry-After, so
 * clients and proxies treat it like any other rate limit.
 */
export function rateLimitedGraphQLError(error: RateLimitedError, located?: GraphQLError): GraphQLError {
  return new GraphQLError(error.message, {
    nodes: located?.nodes,
    path: located?.path,
    extensions: {
      code: 'RATE_LIMITED',
      retryAfterSeconds: error.retryAfterSeconds,
      http: { status: 429, headers: { 'Retry-After': String(error.retryAfterSeconds) } },
    },
  });
}

/** Runs a resolver body, turning RateLimitedError into the GraphQL error above. */
export async function withThrottle<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw error instanceof RateLimitedError ? rateLimitedGraphQLError(error) : error;
  }
}
