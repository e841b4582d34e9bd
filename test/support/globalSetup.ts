import { TEST_POSTGRES_URL, adminQuery } from './database';

// On PostgreSQL, an unreachable server fails the whole run at once, loudly, rather than test by test.
export default async function checkDatabase(): Promise<void> {
  if (!TEST_POSTGRES_URL) {
    console.log('Test engine: SQLite (set TEST_DATABASE_URL, or run npm run test:pg, for PostgreSQL)');
    return;
  }
  try {
    const { rows } = await adminQuery('show server_version');
    console.log(`Test engine: PostgreSQL ${rows[0].server_version} at ${new URL(TEST_POSTGRES_URL).host}`);
  } catch (error) {
    throw new Error(`TEST_DATABASE_URL ${TEST_POSTGRES_URL} is unreachable, so the PostgreSQL suite cannot run: ${(error as Error).message}`, { cause: error });
  }
}
