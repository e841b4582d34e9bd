import type { MigrationObject } from '@mikro-orm/core';
import type { DatabaseTarget } from '../databaseUrl';
import { MIGRATION_NAMES, type MigrationName } from './names';
import { Migration20261201000000_initial as PostgresInitial } from './postgresql/Migration20261201000000_initial';
import { Migration20261201213425_revoked_token_reason_without_check as PostgresReasonWithoutCheck } from './postgresql/Migration20261201213425_revoked_token_reason_without_check';
import { Migration20261201214315_kept_token_chain as PostgresKeptTokenChain } from './postgresql/Migration20261201214315_kept_token_chain';
import { Migration20261201220800_canonical_argon2_hashes as PostgresCanonicalArgon2 } from './postgresql/Migration20261201220800_canonical_argon2_hashes';
import { Migration20261201221048_sliding_window_rate_limits as PostgresSlidingWindow } from './postgresql/Migration20261201221048_sliding_window_rate_limits';
import { Migration20261201221531_canonical_identifiers as PostgresCanonicalIdentifiers } from './postgresql/Migration20261201221531_canonical_identifiers';
import { Migration20261201000000_initial as SqliteInitial } from './sqlite/Migration20261201000000_initial';
import { Migration20261201213425_revoked_token_reason_without_check as SqliteReasonWithoutCheck } from './sqlite/Migration20261201213425_revoked_token_reason_without_check';
import { Migration20261201214315_kept_token_chain as SqliteKeptTokenChain } from './sqlite/Migration20261201214315_kept_token_chain';
import { Migration20261201220800_canonical_argon2_hashes as SqliteCanonicalArgon2 } from './sqlite/Migration20261201220800_canonical_argon2_hashes';
import { Migration20261201221048_sliding_window_rate_limits as SqliteSlidingWindow } from './sqlite/Migration20261201221048_sliding_window_rate_limits';
import { Migration20261201221531_canonical_identifiers as SqliteCanonicalIdentifiers } from './sqlite/Migration20261201221531_canonical_identifiers';

// One class per name in names.ts and engine (`npm run db:migration` writes the pair).
const CLASSES: Record<DatabaseTarget['kind'], Record<MigrationName, MigrationObject['class']>> = {
  sqlite: {
    Migration20261201000000_initial: SqliteInitial,
    Migration20261201213425_revoked_token_reason_without_check: SqliteReasonWithoutCheck,
    Migration20261201214315_kept_token_chain: SqliteKeptTokenChain,
    Migration20261201220800_canonical_argon2_hashes: SqliteCanonicalArgon2,
    Migration20261201221048_sliding_window_rate_limits: SqliteSlidingWindow,
    Migration20261201221531_canonical_identifiers: SqliteCanonicalIdentifiers,
  },
  postgresql: {
    Migration20261201000000_initial: PostgresInitial,
    Migration20261201213425_revoked_token_reason_without_check: PostgresReasonWithoutCheck,
    Migration20261201214315_kept_token_chain: PostgresKeptTokenChain,
    Migration20261201220800_canonical_argon2_hashes: PostgresCanonicalArgon2,
    Migration20261201221048_sliding_window_rate_limits: PostgresSlidingWindow,
    Migration20261201221531_canonical_identifiers: PostgresCanonicalIdentifiers,
  },
};

export const migrationsFor = (kind: DatabaseTarget['kind']): MigrationObject[] => MIGRATION_NAMES.map((name) => ({ name, class: CLASSES[kind][name] }));
