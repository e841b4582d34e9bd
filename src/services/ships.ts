import { raw, type FilterQuery } from '@mikro-orm/core';
import { Ship, type User } from '../entities';
import type { RawShipRow } from '../db/hotReads';
import { ForbiddenError, NotFoundError } from './errors';
import { readPageArgs, toPage, type Page, type PageArgs } from './pagination';
import type { ServiceContext } from './serviceContext';
import { checkMinimum, checkText, hasNul, throwIfInvalid, type FieldErrorCollector } from './validation';

export interface ShipInput {
  affiliation: string;
  category: string;
  crew: number;
  length: number;
  manufacturer: string;
  model: string;
  shipClass: string;
  roles: string[];
}

export interface ShipFilter {
  affiliation?: string | null;
  category?: string | null;
  manufacturer?: string | null;
  shipClass?: string | null;
  /** Case-insensitive substring of the model name. */
  modelContains?: string | null;
}

const TEXT_FIELDS = ['affiliation', 'category', 'manufacturer', 'model', 'shipClass'] as const;
export const MAX_ROLES = 100;

function checkShip(errors: FieldErrorCollector, input: Partial<ShipInput>): void {
  for (const field of TEXT_FIELDS) {
    const value = input[field];
    if (value !== undefined) checkText(errors, field, value);
  }
  if (input.crew !== undefined) checkMinimum(errors, 'crew', input.crew, 1);
  if (input.length !== undefined) checkMinimum(errors, 'length', input.length, 1);
  if (input.roles !== undefined) {
    if (input.roles.length > MAX_ROLES) errors.add('roles', `Longer than maximum length ${MAX_ROLES}.`);
    input.roles.forEach((role, index) => checkText(errors, `roles.${index}`, role));
  }
}

/** createShip's and updateShip's checks on whichever fields are given, without touching the database. */
export function validateShipInput(input: Partial<ShipInput>): void {
  throwIfInvalid((errors) => checkShip(errors, input));
}

export async function getShip(ctx: ServiceContext, id: number): Promise<Ship> {
  const ship = Number.isSafeInteger(id) ? await ctx.em.findOne(Ship, { id }) : null;
  if (!ship) throw new NotFoundError('Ship', String(id));
  return ship;
}

/** The largest id a row can have: ids are PostgreSQL `integer`s, and imports keep to them on SQLite. */
const MAX_ROW_ID = 2 ** 31 - 1;

/**
 * getShip's ship as its listed fields, read without an entity (a prepared statement,
 * db/hotReads.ts). An id no row can have is not sent: PostgreSQL refuses it as out of range.
 */
export async function getShipRow(ctx: ServiceContext, id: number): Promise<ShipRow> {
  const row = Number.isSafeInteger(id) && id >= 1 && id <= MAX_ROW_ID ? await ctx.hotReads.shipById(id) : undefined;
  if (!row) throw new NotFoundError('Ship', String(id));
  return shipRowOf(row);
}

export async function listShips(ctx: ServiceContext, filter: ShipFilter, args: PageArgs): Promise<Page<Ship>> {
  const { limit, afterId } = readPageArgs(args);
  // No stored text holds U+0000 (checkText), and such text must not reach a query.
  if (Object.values(filter).some((value) => typeof value === 'string' && hasNul(value))) return toPage([], limit, 0);
  const [rows, totalCount] = await Promise.all([
    ctx.em.find(Ship, { $and: [shipWhere(filter), { id: { $gt: afterId } }] }, { orderBy: { id: 'asc' }, limit: limit + 1 }),
    ctx.em.count(Ship, shipWhere(filter)),
  ]);
  return toPage(rows, limit, totalCount);
}

/** A fresh condition per query: MikroORM's raw fragments may be used only once. */
function shipWhere(filter: ShipFilter): FilterQuery<Ship> {
  const where: FilterQuery<Ship> = {};
  for (const field of ['affiliation', 'category', 'manufacturer', 'shipClass'] as const) {
    const value = filter[field];
    if (value != null) where[field] = value;
  }
  if (filter.modelContains) {
    // LIKE with an explicit ESCAPE behaves the same on SQLite and PostgreSQL.
    const pattern = `%${escapeLike(filter.modelContains.toLowerCase())}%`;
    Object.assign(where, { [raw((alias) => `lower(${alias}.model) like ? escape '!'`, [pattern])]: [] });
  }
  return where;
}

/** A ship's listed fields, read without an entity (shipBatches). */
export interface ShipRow extends ShipInput {
  id: number;
}

/**
 * All ships in id order, `batchSize` at a time, for dialects without pagination, whose lists are too long to hold at once: keyset pages
 * (`id > last`) on the primary key, one prepared statement each (db/hotReads.ts: on a SQLite file,
 * on this thread), no entities. Every ship that exists throughout the read appears once, in order;
 * unlike one big select it is not a snapshot (a transaction would hold SQLite's one connection for
 * the whole read).
 */
export async function* shipBatches(ctx: ServiceContext, batchSize: number): AsyncGenerator<ShipRow[]> {
  let last = 0;
  for (;;) {
    // Under ShipRow's names, and fixed up in place: no second object per row.
    const rows = await ctx.hotReads.shipsAfter(last, batchSize);
    if (rows.length === 0) return;
    yield rows.map(shipRowOf);
    if (rows.length < batchSize) return;
    last = rows[rows.length - 1]!.id;
  }
}

/** Fixed up in place, no second object: `roles` is JSON text on SQLite (the pg driver parses it). */
function shipRowOf(row: RawShipRow): ShipRow {
  if (typeof row.roles === 'string') row.roles = JSON.parse(row.roles) as string[];
  return row as ShipRow;
}

function escapeLike(value: string): string {
  return value.replace(/[!%_]/g, (c) => `!${c}`);
}

export async function createShip(ctx: ServiceContext, creator: User | null, input: ShipInput): Promise<Ship> {
  throwIfInvalid((errors) => checkShip(errors, input));
  const now = new Date(ctx.clock());
  const ship = ctx.em.create(Ship, { ...input, roles: [...input.roles], createdBy: creator, createdAt: now, updatedAt: now });
  await ctx.em.flush();
  return ship;
}

/**
 * A ship with a creator may be changed or deleted by its creator only. Ships without one (demo or
 * imported data, or whose creator was deleted) stay open to any signed-in user, as in TX.
 */
function assertMayChange(actor: Pick<User, 'id'>, ship: Ship): void {
  if (ship.createdBy && ship.createdBy.id !== actor.id) throw new ForbiddenError('Only the creator of this ship may change or delete it');
}

/** Applies the fields given; a full ShipInput replaces the ship. */
export async function updateShip(ctx: ServiceContext, actor: Pick<User, 'id'>, id: number, patch: Partial<ShipInput>): Promise<Ship> {
  throwIfInvalid((errors) => checkShip(errors, patch));
  const ship = await getShip(ctx, id);
  assertMayChange(actor, ship);
  const changes = Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined));
  ctx.em.assign(ship, { ...changes, updatedAt: new Date(ctx.clock()) });
  await ctx.em.flush();
  return ship;
}

export async function deleteShip(ctx: ServiceContext, actor: Pick<User, 'id'>, id: number): Promise<void> {
  const ship = await getShip(ctx, id);
  assertMayChange(actor, ship);
  // Conditional on the creator read above, so a concurrent change of hands cannot slip through.
  const deleted = await ctx.em.nativeDelete(Ship, { id, createdBy: ship.createdBy ? ship.createdBy.id : null });
  if (deleted === 0) throw new NotFoundError('Ship', String(id));
}
