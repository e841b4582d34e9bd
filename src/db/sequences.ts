import type { SqlEntityManager } from '@mikro-orm/knex';
import { engineOf } from './engine';

/**
 * After rows were inserted with explicit ids, moves each table's id sequence past the largest id,
 * so the next insert does not collide. PostgreSQL only: SQLite's autoincrement already follows
 * the largest id.
 */
export async function resetIdSequences(em: SqlEntityManager, tables: string[]): Promise<void> {
  if (engineOf(em) !== 'postgresql') return;
  for (const table of tables) {
    await em.execute(`select setval(pg_get_serial_sequence('${table}', 'id'), coalesce((select max(id) from "${table}"), 0) + 1, false)`);
  }
}
