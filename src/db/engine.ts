import type { SqlEntityManager } from '@mikro-orm/knex';
import type { DatabaseTarget } from './databaseUrl';

/**
 * Which engine an ORM or EntityManager runs on, from knex's dialect name: checking the driver's
 * class instead would load the PostgreSQL driver (and pg) on SQLite too.
 */
export function engineOf(em: SqlEntityManager): DatabaseTarget['kind'] {
  const dialect = (em.getConnection().getKnex().client as { dialect?: string }).dialect;
  return dialect === 'postgresql' ? 'postgresql' : 'sqlite';
}
