import SchemaBuilder from '@pothos/core';
import DataloaderPlugin from '@pothos/plugin-dataloader';
import ErrorsPlugin from '@pothos/plugin-errors';
import ScopeAuthPlugin from '@pothos/plugin-scope-auth';
import type { RequestContext } from '../context';
import { ForbiddenError, UnauthenticatedError } from '../services/errors';

export const builder = new SchemaBuilder<{
  Context: RequestContext;
  AuthScopes: { authenticated: boolean; self: number };
  Scalars: { DateTime: { Input: Date; Output: Date } };
  DefaultFieldNullability: false;
}>({
  // Errors wraps scope-auth so that a failed scope becomes a typed error result instead of a
  // top-level error. The error types carry nothing that needs protecting.
  plugins: [ErrorsPlugin, ScopeAuthPlugin, DataloaderPlugin],
  defaultFieldNullability: false,
  scopeAuth: {
    authScopes: (ctx) => ({
      authenticated: ctx.viewer !== null,
      self: (userId) => ctx.viewer?.user.id === userId,
    }),
    unauthorizedError: (_parent, ctx) => (ctx.viewer ? new ForbiddenError() : new UnauthenticatedError('missing')),
  },
  errors: { defaultTypes: [], directResult: true },
});

builder.queryType({});
builder.mutationType({});
