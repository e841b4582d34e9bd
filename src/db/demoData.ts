import { randomUUID } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { SqlEntityManager as EntityManager } from '@mikro-orm/knex';
import { canonicalEmail, canonicalUsername } from '../auth/identifiers';
import { hashPassword } from '../auth/passwords';
import type { Clock } from '../clock';
import { Ship, User } from '../entities';
import type { ShipInput } from '../services/ships';
import { parseDatabaseUrl } from './databaseUrl';
import { resetIdSequences } from './sequences';

// Spec decision 9: TX's two users, HB's bob, and TX's fifteen ships (ids 1-15, role order kept).
const USERS = [
  { username: 'user', password: 'password', email: null },
  { username: 'guest', password: 'guest', email: null },
  { username: 'bob@hbtn.io', password: 'H0lbertonSchool98!', email: 'bob@hbtn.io' },
];

type Row = [model: string, shipClass: string, affiliation: string, category: string, manufacturer: string, crew: number, length: number, roles: string[]];

const SHIPS: Row[] = [
  ['T-65 X-Wing', 'Starfighter', 'Rebel Alliance', 'Starfighters', 'Incom Corporation', 1, 13, ['Space Superiority Starfighter', 'Escort']],
  ['TIE/LN Starfighter', 'Starfighter', 'Empire', 'Starfighters', 'Sienar Fleet Systems', 1, 7, ['Space Superiority Starfighter']],
  ['TIE/SA Bomber', 'Space/Planetary Bomber', 'Empire', 'Starfighters', 'Sienar Fleet Systems', 1, 8, ['Bomber']],
  [
    'BTL-A4 Y-Wing',
    'Assault Starfighter',
    'Rebel Alliance',
    'Starfighters',
    'Koensayr Manufacturing',
    1,
    16,
    ['Starfighter', 'Bomber', 'Escort', 'Scout', 'Courier', 'Shuttle'],
  ],
  ['RZ-1 A-Wing Interceptor', 'Starfighter', 'Rebel Alliance', 'Starfighters', 'Alliance Underground Engineering', 1, 10, ['Interceptor']],
  ['TIE/D Defender', 'Starfighter', 'Empire', 'Starfighters', 'Sienar Fleet Systems', 1, 9, ['Space Superiority Fighter', 'Interceptor', 'Light Bomber']],
  ['TIE/IN Interceptor', 'Starfighter', 'Empire', 'Starfighters', 'Sienar Fleet Systems', 1, 10, ['Space Superiority Fighter', 'Interceptor']],
  ['MC80 Liberty Type Star Cruiser', 'Star Cruiser', 'Rebel Alliance', 'Capital Ships', 'Mon Calamari Shipyards', 5402, 1200, ['Carrier', 'Destroyer']],
  [
    'Imperial I-class Star Destroyer',
    'Star Destroyer',
    'Empire',
    'Capital Ships',
    'Kuat Drive Yards',
    37085,
    1600,
    ['Destroyer', 'Carrier', 'Military Transport', 'Command Ship'],
  ],
  [
    'Imperial II-class Star Destroyer',
    'Star Destroyer',
    'Empire',
    'Capital Ships',
    'Kuat Drive Yards',
    37050,
    1600,
    ['Destroyer', 'Carrier', 'Military Transport', 'Command Ship'],
  ],
  ['EF76 Nebulon-B Escort Frigate', 'Frigate', 'Rebel Alliance', 'Escort Ships', 'Kuat Drive Yards', 850, 300, ['Escort', 'Hospital Ship']],
  ['CR90 Corvette', 'Corvette', 'Rebel Alliance', 'Escort Ships', 'Corellian Engineering Corporation', 165, 150, ['Escort', 'Transport']],
  [
    'YT-1300 Light Freighter',
    'Light Freighter',
    'Rebel Alliance',
    'Transports',
    'Corellian Engineering Corporation',
    2,
    35,
    ['Transport', 'Freighter', 'Smuggling Vessel'],
  ],
  [
    'Lambda-Class T-4a Shuttle',
    'Armed Government Transport Shuttle',
    'Empire',
    'Transports',
    'Sienar Fleet Systems',
    2,
    20,
    ['Personnel Shuttle', 'Troop Transport', 'Escape Vessel'],
  ],
  [
    'GR-75 Medium Transport',
    'Medium Transport',
    'Rebel Alliance',
    'Transports',
    'Gallofree Yards',
    7,
    90,
    ['Transport', 'Fuel Tanker', 'Salvage Ship', 'Landing Craft', 'Hospital Ship'],
  ],
];

export const DEMO_SHIPS: ShipInput[] = SHIPS.map(([model, shipClass, affiliation, category, manufacturer, crew, length, roles]) => ({
  model,
  shipClass,
  affiliation,
  category,
  manufacturer,
  crew,
  length,
  roles,
}));

function hashDemoPasswords(): Promise<string[]> {
  return Promise.all(USERS.map((user) => hashPassword(user.password)));
}

/**
 * The demo users' password hashes, begun before the database opens when it is a SQLite file that
 * does not exist yet or is empty: argon2 runs off the main thread, beside the ORM's start and the
 * migrations on it. Anywhere else they would mostly be thrown away, and at a restart
 * the hashing slows the start it shares the cores with.
 */
export function hashDemoPasswordsEarly(databaseUrl: string): Promise<string[]> | undefined {
  const target = parseDatabaseUrl(databaseUrl);
  if (target.kind !== 'sqlite' || target.file === ':memory:') return undefined;
  const empty = !existsSync(target.file) || statSync(target.file).size === 0;
  return empty ? hashDemoPasswords() : undefined;
}

/**
 * Seeds the demo data into an empty database; a database with any user or ship is left alone. Two
 * instances starting on one empty database both try; the loser finds the ids taken and leaves it.
 */
export async function seedDemoData(em: EntityManager, clock: Clock, demoHashes?: Promise<string[]>): Promise<boolean> {
  if ((await em.count(User)) > 0 || (await em.count(Ship)) > 0) return false;
  const now = new Date(clock());
  const hashes = await (demoHashes ?? hashDemoPasswords());
  try {
    await em.transactional(async (tx) => {
      USERS.forEach((user, index) => {
        tx.create(User, {
          id: index + 1,
          uuid: randomUUID(),
          username: user.username,
          usernameCanonical: canonicalUsername(user.username),
          email: user.email,
          emailCanonical: user.email === null ? null : canonicalEmail(user.email),
          passwordHash: hashes[index]!,
          tokenVersion: 0,
          createdAt: now,
          updatedAt: now,
        });
      });
      DEMO_SHIPS.forEach((ship, index) => {
        tx.create(Ship, { ...ship, id: index + 1, createdBy: null, createdAt: now, updatedAt: now });
      });
      await tx.flush();
      await resetIdSequences(tx, ['users', 'ships']);
    });
  } catch (error) {
    if (error instanceof UniqueConstraintViolationException) return false;
    throw error;
  }
  return true;
}
