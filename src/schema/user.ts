import { User } from '../entities';
import { ConflictError, NotFoundError, UnauthenticatedError, ValidationError } from '../services/errors';
import { changePassword } from '../services/credentials';
import { deleteUser, getUser, keptCredentialOf, listUsers, registerUser, updateUser } from '../services/users';
import { viewerEntity, type ViewerUser } from '../services/viewer';
import { builder } from './builder';
import { withThrottle } from './errors';
import { pageType } from './page';

export const UserRef = builder.loadableObject('User', {
  // `me` resolves to the viewer record (services/viewer.ts), other fields to User entities.
  load: async (ids: number[], ctx): Promise<(ViewerUser | Error)[]> => {
    const users = await ctx.em.find(User, { id: { $in: ids } });
    const byId = new Map(users.map((user) => [user.id, user]));
    return ids.map((id) => byId.get(id) ?? new Error(`User ${id} not found`));
  },
  sort: (user) => user.id,
  fields: (t) => ({
    id: t.exposeInt('id'),
    uuid: t.exposeString('uuid'),
    username: t.exposeString('username'),
    email: t.exposeString('email', {
      nullable: true,
      description: 'Visible only to the user themselves.',
      authScopes: (user) => ({ self: user.id }),
      unauthorizedResolver: () => null,
    }),
    firstName: t.exposeString('firstName', { nullable: true }),
    lastName: t.exposeString('lastName', { nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
  }),
});

const UserPage = pageType('UserPage', UserRef);

const DeletedUser = builder.objectRef<{ id: number }>('DeletedUser').implement({
  fields: (t) => ({ id: t.exposeInt('id') }),
});

const RegisterInput = builder.inputType('RegisterInput', {
  fields: (t) => ({
    username: t.string({ required: true }),
    password: t.string({ required: true }),
    email: t.string(),
    firstName: t.string(),
    lastName: t.string(),
  }),
});

const UpdateUserInput = builder.inputType('UpdateUserInput', {
  description: 'Fields to change; omitted fields stay as they are, null clears an optional field.',
  fields: (t) => ({
    username: t.string(),
    email: t.string(),
    firstName: t.string(),
    lastName: t.string(),
  }),
});

builder.queryFields((t) => ({
  me: t.field({
    type: UserRef,
    nullable: true,
    description: 'The authenticated user, or null for an anonymous request.',
    resolve: (_root, _args, ctx) => ctx.viewer?.user ?? null,
  }),
  user: t.field({
    type: UserRef,
    args: { id: t.arg.int({ required: true }) },
    errors: { types: [NotFoundError] },
    resolve: (_root, { id }, ctx) => getUser(ctx, id),
  }),
  users: t.field({
    type: UserPage,
    args: { first: t.arg.int(), after: t.arg.string() },
    errors: { types: [ValidationError] },
    resolve: (_root, args, ctx) => listUsers(ctx, args),
  }),
}));

builder.mutationFields((t) => ({
  register: t.field({
    type: UserRef,
    args: { input: t.arg({ type: RegisterInput, required: true }) },
    errors: { types: [ValidationError, ConflictError] },
    resolve: (_root, { input }, ctx) => registerUser(ctx, input),
  }),
  updateMe: t.field({
    type: UserRef,
    args: { input: t.arg({ type: UpdateUserInput, required: true }) },
    authScopes: { authenticated: true },
    errors: { types: [UnauthenticatedError, ValidationError, ConflictError] },
    resolve: async (_root, { input }, ctx) =>
      updateUser(ctx, await viewerEntity(ctx, ctx.viewer!), {
        username: input.username ?? undefined,
        email: input.email,
        firstName: input.firstName,
        lastName: input.lastName,
      }),
  }),
  changePassword: t.field({
    type: UserRef,
    description: 'Ends every other session and every token of the user but the credential this request came in on.',
    args: {
      currentPassword: t.arg.string({ required: true }),
      newPassword: t.arg.string({ required: true }),
    },
    authScopes: { authenticated: true },
    errors: { types: [UnauthenticatedError, ValidationError] },
    resolve: (_root, args, ctx) =>
      withThrottle(async () => changePassword(ctx, await viewerEntity(ctx, ctx.viewer!), args.currentPassword, args.newPassword, keptCredentialOf(ctx.viewer))),
  }),
  deleteMe: t.field({
    type: DeletedUser,
    description: 'Deletes the account; its sessions end and its tokens stop working.',
    authScopes: { authenticated: true },
    errors: { types: [UnauthenticatedError] },
    resolve: async (_root, _args, ctx) => {
      const { id } = ctx.viewer!.user;
      await deleteUser(ctx, await viewerEntity(ctx, ctx.viewer!));
      return { id };
    },
  }),
}));
