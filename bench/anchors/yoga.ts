// Bench anchor: bare graphql-yoga + Pothos with a `me` field; the context does the jose verify
// Hangar does for a Bearer access token, and there is no database.
import SchemaBuilder from '@pothos/core';
import { createYoga } from 'graphql-yoga';
import { anchorKeys, serve, verifyAuthorization } from './serve';

interface Viewer {
  id: number;
  username: string;
}

serve(async () => {
  const keys = await anchorKeys();
  const builder = new SchemaBuilder<{ Context: { viewer: Viewer | null } }>({} as never);
  const User = builder.objectRef<Viewer>('User').implement({
    fields: (t) => ({ id: t.exposeInt('id'), username: t.exposeString('username') }),
  });
  builder.queryType({
    fields: (t) => ({ me: t.field({ type: User, nullable: true, resolve: (_root, _args, ctx) => ctx.viewer }) }),
  });
  const yoga = createYoga<object, { viewer: Viewer | null }>({
    schema: builder.toSchema(),
    logging: false,
    context: async ({ request }) => {
      const claims = await verifyAuthorization(keys, request.headers.get('authorization') ?? undefined);
      return { viewer: claims ? { id: claims.identity as number, username: 'user' } : null };
    },
  });
  return yoga as unknown as import('node:http').RequestListener;
});
