import type { MigrationObject } from '@mikro-orm/core';
import type { DatabaseTarget } from '../databaseUrl';
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

// One list per engine, in order; a new migration is added to both (`npm run db:migration`
// writes the pair). Names are what the migrations table records, so never rename one.
const MIGRATIONS: Record<DatabaseTarget['kind'], MigrationObject[]> = {
  sqlite: [
    { name: 'Migration20261201000000_initial', class: SqliteInitial },
    { name: 'Migration20261201213425_revoked_token_reason_without_check', class: SqliteReasonWithoutCheck },
    { name: 'Migration20261201214315_kept_token_chain', class: SqliteKeptTokenChain },
    { name: 'Migration20261201220800_canonical_argon2_hashes', class: SqliteCanonicalArgon2 },
    { name: 'Migration20261201221048_sliding_window_rate_limits', class: SqliteSlidingWindow },
    { name: 'Migration20261201221531_canonical_identifiers', class: SqliteCanonicalIdentifiers },
  ],
  postgresql: [
    { name: 'Migration20261201000000_initial', class: PostgresInitial },
    { name: 'Migration20261201213425_revoked_token_reason_without_check', class: PostgresReasonWithoutCheck },
    { name: 'Migration20261201214315_kept_token_chain', class: PostgresKeptTokenChain },
    { name: 'Migration20261201220800_canonical_argon2_hashes', class: PostgresCanonicalArgon2 },
    { name: 'Migration20261201221048_sliding_window_rate_limits', class: PostgresSlidingWindow },
    { name: 'Migration20261201221531_canonical_identifiers', class: PostgresCanonicalIdentifiers },
  ],
};

export const migrationsFor = (kind: DatabaseTarget['kind']): MigrationObject[] => MIGRATIONS[kind];
