import { randomUUID } from 'node:crypto';
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { canonicalEmail, canonicalUsername } from '../auth/identifiers';
import { hashPassword } from '../auth/passwords';
import { User } from '../entities';
import type { Viewer } from './viewer';
import { ConflictError, ForbiddenError, NotFoundError } from './errors';
import { readPageArgs, toPage, type Page, type PageArgs } from './pagination';
import type { ServiceContext } from './serviceContext';
import { endSessions } from './sessions';
import { checkEmail, checkPassword, checkText, checkUsername, hasNul, throwIfInvalid, type FieldErrorCollector } from './validation';

export interface RegisterInput {
  username: string;
  password: string;
  email?: string | null;
  firstName?: string | null;
  lastName?: string | null;
}

export interface UserPatch {
  username?: string;
  email?: string | null;
  firstName?: string | null;
  lastName?: string | null;
  /** Replaces the password without asking for the old one; only compatibility routes use it. */
  password?: string;
}

/** The credential a password change came in on, which survives it: a session, or an access-token chain. */
export interface KeptCredential {
  sessionId?: number | null;
  tokenChain?: string | null;
}

export function keptCredentialOf(viewer: Viewer | null): KeptCredential {
  return { sessionId: viewer?.session?.id ?? null, tokenChain: viewer?.claims?.chain ?? null };
}

export const USERNAME_MIN_LENGTH = 2;
const USERNAME_TAKEN = 'User already exists.';
const EMAIL_TAKEN = 'Email already registered.';

/** The columns a username and an email are compared by. */
function canonicalColumns(username: string, email: string | null) {
  return { usernameCanonical: canonicalUsername(username), emailCanonical: email === null ? null : canonicalEmail(email) };
}

// A username containing "@" is an email address and doubles as the account's email, so a login
// identifier can never match one user's username and another user's email.
function checkIdentity(errors: FieldErrorCollector, username: string | undefined, email: string | null | undefined): void {
  if (username !== undefined) checkUsername(errors, 'username', username, USERNAME_MIN_LENGTH);
  if (email != null) checkEmail(errors, 'email', email);
  const sameAsEmail = email != null && username !== undefined && canonicalEmail(email) === canonicalEmail(username);
  if (username?.includes('@') && !sameAsEmail && !errors.has('username')) {
    errors.add('username', 'A username containing "@" must be the account\'s email address.');
  }
}

function checkNames(errors: FieldErrorCollector, input: { firstName?: string | null; lastName?: string | null }): void {
  if (input.firstName != null) checkText(errors, 'firstName', input.firstName);
  if (input.lastName != null) checkText(errors, 'lastName', input.lastName);
}

async function flushUnique(ctx: ServiceContext): Promise<void> {
  try {
    await ctx.em.flush();
  } catch (error) {
    if (error instanceof UniqueConstraintViolationException) {
      const onEmail = /email/i.test(error.message);
      throw new ConflictError(onEmail ? 'email' : 'username', onEmail ? EMAIL_TAKEN : USERNAME_TAKEN);
    }
    throw error;
  }
}

export async function registerUser(ctx: ServiceContext, input: RegisterInput): Promise<User> {
  const email = input.email ?? (input.username.includes('@') ? input.username : null);
  throwIfInvalid((errors) => {
    checkIdentity(errors, input.username, email);
    checkPassword(errors, 'password', input.password, ctx.config.passwordMinLength);
    checkNames(errors, input);
  });
  // The unique indexes decide races; this check only spares the argon2 work on obvious duplicates.
  await assertIdentityFree(ctx, input.username, email, null);
  const passwordHash = await hashPassword(input.password);
  const now = new Date(ctx.clock());
  const user = ctx.em.create(User, {
    uuid: randomUUID(),
    username: input.username,
    email,
    ...canonicalColumns(input.username, email),
    firstName: input.firstName ?? null,
    lastName: input.lastName ?? null,
    passwordHash,
    tokenVersion: 0,
    keptTokenChain: null,
    createdAt: now,
    updatedAt: now,
  });
  await flushUnique(ctx);
  return user;
}

/**
 * registerUser's checks (updateUser's when `user` is given) on whichever of username and password
 * are given, without touching the database, for dialects that report every field's errors at once.
 */
export function validateUserFields(ctx: ServiceContext, fields: { username?: string; password?: string }, user: User | null = null): void {
  throwIfInvalid((errors) => {
    const { username, password } = fields;
    if (username !== undefined) checkIdentity(errors, username, user ? user.email : username.includes('@') ? username : null);
    if (password !== undefined) checkPassword(errors, 'password', password, ctx.config.passwordMinLength);
  });
}

/** Only the user themselves may change or delete their account through the compatibility routes. */
export function assertSelf(actor: Pick<User, 'id'>, userId: number): void {
  if (actor.id !== userId) throw new ForbiddenError();
}

async function assertIdentityFree(ctx: ServiceContext, username: string | undefined, email: string | null | undefined, selfId: number | null): Promise<void> {
  const usernameCanonical = username === undefined ? undefined : canonicalUsername(username);
  const emailCanonical = email == null ? undefined : canonicalEmail(email);
  const or = [];
  if (usernameCanonical !== undefined) or.push({ usernameCanonical });
  if (emailCanonical !== undefined) or.push({ emailCanonical });
  if (or.length === 0) return;
  const clash = await ctx.em.findOne(User, { $or: or, ...(selfId === null ? {} : { id: { $ne: selfId } }) });
  if (!clash) return;
  if (usernameCanonical !== undefined && clash.usernameCanonical === usernameCanonical) throw new ConflictError('username', USERNAME_TAKEN);
  throw new ConflictError('email', EMAIL_TAKEN);
}

export async function getUser(ctx: ServiceContext, id: number): Promise<User> {
  const user = Number.isSafeInteger(id) ? await ctx.em.findOne(User, { id }) : null;
  if (!user) throw new NotFoundError('User', String(id));
  return user;
}

export async function getUserByUuid(ctx: ServiceContext, uuid: string): Promise<User> {
  const user = await ctx.em.findOne(User, { uuid });
  if (!user) throw new NotFoundError('User', uuid);
  return user;
}

export async function listUsers(ctx: ServiceContext, args: PageArgs): Promise<Page<User>> {
  const { limit, afterId } = readPageArgs(args);
  const [rows, totalCount] = await Promise.all([ctx.em.find(User, { id: { $gt: afterId } }, { orderBy: { id: 'asc' }, limit: limit + 1 }), ctx.em.count(User)]);
  return toPage(rows, limit, totalCount);
}

/** Every user in id order, for dialects without pagination. */
export async function allUsers(ctx: ServiceContext): Promise<User[]> {
  return ctx.em.find(User, {}, { orderBy: { id: 'asc' } });
}

export async function countUsers(ctx: ServiceContext): Promise<number> {
  return ctx.em.count(User);
}

/**
 * Applies the patch. A new password also ends every token and every session of the user but
 * `keep`, the credential the request came in on, on whichever face it was changed.
 */
export async function updateUser(ctx: ServiceContext, user: User, patch: UserPatch, keep: KeptCredential = {}): Promise<User> {
  const username = patch.username ?? user.username;
  const email = patch.email === undefined ? user.email : patch.email;
  throwIfInvalid((errors) => {
    checkIdentity(errors, username, email);
    checkNames(errors, patch);
    if (patch.password !== undefined) checkPassword(errors, 'password', patch.password, ctx.config.passwordMinLength);
  });
  await assertIdentityFree(ctx, patch.username, patch.email, user.id);
  if (patch.password !== undefined) await replacePassword(ctx, user, patch.password, keep.tokenChain ?? null);
  ctx.em.assign(user, {
    username,
    email,
    ...canonicalColumns(username, email ?? null),
    ...(patch.firstName !== undefined && { firstName: patch.firstName }),
    ...(patch.lastName !== undefined && { lastName: patch.lastName }),
    updatedAt: new Date(ctx.clock()),
  });
  await flushUnique(ctx);
  if (patch.password !== undefined) {
    const keepSessionId = keep.sessionId ?? null;
    await endSessions(ctx, user, keepSessionId === null ? {} : { id: { $ne: keepSessionId } }, 'password_changed');
  }
  return user;
}

/** Sets a new password and invalidates every token issued before it but the chain `keptChain`. */
async function replacePassword(ctx: ServiceContext, user: User, password: string, keptChain: string | null): Promise<void> {
  user.passwordHash = await hashPassword(password);
  user.tokenVersion += 1;
  user.keptTokenChain = keptChain;
}

/** Deletes the user; the database removes their sessions and un-links their ships. */
export async function deleteUser(ctx: ServiceContext, user: User): Promise<void> {
  await ctx.em.nativeDelete(User, { id: user.id });
  ctx.em.getUnitOfWork().unsetIdentity(user);
}

/**
 * The account a login identifier names, by canonical form, as its raw row: an email when it
 * contains "@", else a username. A row whose canonical form collided when the columns were added
 * matches its exact text. Every password check (Basic on each request too) runs this: a prepared
 * read (db/hotReads.ts).
 */
export async function findLoginRow(ctx: ServiceContext, identifier: string): Promise<Record<string, unknown> | null> {
  if (hasNul(identifier)) return null;
  const byEmail = identifier.includes('@');
  const rows = byEmail
    ? await ctx.hotReads.loginRows('email', canonicalEmail(identifier), identifier)
    : await ctx.hotReads.loginRows('username', canonicalUsername(identifier), identifier);
  const exact = rows.find((row) => (byEmail ? row.email_canonical === null : row.username_canonical === null));
  return exact ?? rows[0] ?? null;
}

/** findLoginRow's account as a managed entity, as find would give it. */
export async function findUserForLogin(ctx: ServiceContext, identifier: string): Promise<User | null> {
  const row = await findLoginRow(ctx, identifier);
  return row ? ctx.em.map(User, row) : null;
}
