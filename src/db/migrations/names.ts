// The migrations, in order, by the names the migrations table records (never rename one); both
// engines have the same list. Apart from the classes (index.ts), which load MikroORM's migrator,
// so that a start on an up-to-date database can tell so without loading it.
export const MIGRATION_NAMES = [
  'Migration20261201000000_initial',
  'Migration20261201213425_revoked_token_reason_without_check',
  'Migration20261201214315_kept_token_chain',
  'Migration20261201220800_canonical_argon2_hashes',
  'Migration20261201221048_sliding_window_rate_limits',
  'Migration20261201221531_canonical_identifiers',
] as const;

export type MigrationName = (typeof MIGRATION_NAMES)[number];
