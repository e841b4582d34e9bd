import type { User } from '../entities';
import { NotFoundError } from '../services/errors';
import type { ServiceContext } from '../services/serviceContext';
import { findUserForLogin, getUser } from '../services/users';

/**
 * The user a command names: by username or email, compared as logins compare them; a number names
 * the user with that id when no username matches it.
 */
export async function findUser(ctx: ServiceContext, ref: string): Promise<User> {
  const user = await findUserForLogin(ctx, ref);
  if (user) return user;
  if (/^[1-9]\d{0,15}$/.test(ref)) return getUser(ctx, Number(ref));
  throw new NotFoundError('User', ref);
}

export const describeUser = (user: User) => `${user.username} (id ${user.id})`;

export function userJson(user: User) {
  return {
    id: user.id,
    uuid: user.uuid,
    username: user.username,
    email: user.email,
    firstName: user.firstName,
    lastName: user.lastName,
    createdAt: user.createdAt.toISOString(),
  };
}

/** Runs `work` with the services open, closing the database afterwards whatever happens. */
export async function withServices<T>(open: Promise<{ ctx: ServiceContext; close(): Promise<void> }>, work: (ctx: ServiceContext) => Promise<T>): Promise<T> {
  const services = await open;
  try {
    return await work(services.ctx);
  } finally {
    await services.close();
  }
}
