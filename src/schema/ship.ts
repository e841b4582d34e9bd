import { GraphQLError } from 'graphql';
import { Ship } from '../entities';
import { viewerEntity } from '../services/viewer';
import { ForbiddenError, NotFoundError, UnauthenticatedError, ValidationError } from '../services/errors';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, readPageArgs } from '../services/pagination';
import { createShip, deleteShip, getShip, listShips, updateShip } from '../services/ships';
import { builder } from './builder';
import { pageType } from './page';
import { UserRef } from './user';

export const ShipRef = builder.objectRef<Ship>('Ship').implement({
  fields: (t) => ({
    id: t.exposeInt('id'),
    affiliation: t.exposeString('affiliation'),
    category: t.exposeString('category'),
    crew: t.exposeInt('crew'),
    length: t.exposeInt('length'),
    manufacturer: t.exposeString('manufacturer'),
    model: t.exposeString('model'),
    shipClass: t.exposeString('shipClass'),
    roles: t.exposeStringList('roles', { description: 'In the order they were given.' }),
    createdBy: t.field({
      type: UserRef,
      nullable: true,
      description: 'Null for demo data and when the creator was deleted.',
      resolve: (ship) => ship.createdBy?.id ?? null,
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
  }),
});

const ShipPage = pageType('ShipPage', ShipRef);

/** The page-size rule of the top-level lists; this field has no error union, so a refusal is a plain GraphQL error. */
function pageSize(first: number | null | undefined): number {
  try {
    return readPageArgs({ first }).limit;
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    throw new GraphQLError(`first ${error.fieldErrors.first![0]!.toLowerCase()}`, { extensions: { code: 'BAD_USER_INPUT' } });
  }
}

builder.objectField(UserRef, 'ships', (t) =>
  t.loadableGroup({
    type: ShipRef,
    description: `Ships this user created, oldest first: the first \`first\` of them (default ${DEFAULT_PAGE_SIZE}, at most ${MAX_PAGE_SIZE}).`,
    args: { first: t.arg.int() },
    // One batch per distinct `first`, so the loader knows how many ships each user may get.
    byPath: true,
    load: async (userIds: number[], ctx, args) => {
      const first = pageSize(args.first);
      const ships = await ctx.em.find(Ship, { createdBy: { $in: userIds } }, { orderBy: { id: 'asc' } });
      const taken = new Map<number, number>();
      return ships.filter((ship) => {
        const count = (taken.get(ship.createdBy!.id) ?? 0) + 1;
        taken.set(ship.createdBy!.id, count);
        return count <= first;
      });
    },
    group: (ship) => ship.createdBy!.id,
    resolve: (user) => user.id,
  }),
);

const ShipInput = builder.inputType('ShipInput', {
  fields: (t) => ({
    affiliation: t.string({ required: true }),
    category: t.string({ required: true }),
    crew: t.int({ required: true }),
    length: t.int({ required: true }),
    manufacturer: t.string({ required: true }),
    model: t.string({ required: true }),
    shipClass: t.string({ required: true }),
    roles: t.stringList({ required: true }),
  }),
});

const ShipPatch = builder.inputType('ShipPatch', {
  description: 'Fields to change; omitted or null fields stay as they are.',
  fields: (t) => ({
    affiliation: t.string(),
    category: t.string(),
    crew: t.int(),
    length: t.int(),
    manufacturer: t.string(),
    model: t.string(),
    shipClass: t.string(),
    roles: t.stringList(),
  }),
});

const ShipFilter = builder.inputType('ShipFilter', {
  description: 'Every given field must match; text fields match exactly except modelContains.',
  fields: (t) => ({
    affiliation: t.string(),
    category: t.string(),
    manufacturer: t.string(),
    shipClass: t.string(),
    modelContains: t.string({ description: 'Case-insensitive substring of the model.' }),
  }),
});

const DeletedShip = builder.objectRef<{ id: number }>('DeletedShip').implement({
  fields: (t) => ({ id: t.exposeInt('id') }),
});

builder.queryFields((t) => ({
  ship: t.field({
    type: ShipRef,
    args: { id: t.arg.int({ required: true }) },
    errors: { types: [NotFoundError] },
    resolve: (_root, { id }, ctx) => getShip(ctx, id),
  }),
  ships: t.field({
    type: ShipPage,
    args: { filter: t.arg({ type: ShipFilter }), first: t.arg.int(), after: t.arg.string() },
    errors: { types: [ValidationError] },
    resolve: (_root, { filter, ...page }, ctx) => listShips(ctx, filter ?? {}, page),
  }),
}));

builder.mutationFields((t) => ({
  createShip: t.field({
    type: ShipRef,
    args: { input: t.arg({ type: ShipInput, required: true }) },
    authScopes: { authenticated: true },
    errors: { types: [UnauthenticatedError, ValidationError] },
    resolve: async (_root, { input }, ctx) => createShip(ctx, await viewerEntity(ctx, ctx.viewer!), input),
  }),
  updateShip: t.field({
    type: ShipRef,
    args: { id: t.arg.int({ required: true }), input: t.arg({ type: ShipPatch, required: true }) },
    authScopes: { authenticated: true },
    description: "Only the ship's creator may change it; ships without a creator are open to any signed-in user.",
    errors: { types: [UnauthenticatedError, ValidationError, NotFoundError, ForbiddenError] },
    resolve: (_root, { id, input }, ctx) =>
      updateShip(ctx, ctx.viewer!.user, id, Object.fromEntries(Object.entries(input).filter(([, value]) => value != null))),
  }),
  deleteShip: t.field({
    type: DeletedShip,
    args: { id: t.arg.int({ required: true }) },
    authScopes: { authenticated: true },
    description: "Only the ship's creator may delete it; ships without a creator are open to any signed-in user.",
    errors: { types: [UnauthenticatedError, NotFoundError, ForbiddenError] },
    resolve: async (_root, { id }, ctx) => {
      await deleteShip(ctx, ctx.viewer!.user, id);
      return { id };
    },
  }),
}));
