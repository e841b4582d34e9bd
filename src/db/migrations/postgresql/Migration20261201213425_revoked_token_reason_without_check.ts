import { Migration } from '@mikro-orm/migrations';

/** Nothing to do: the PostgreSQL schema never had the check (kept so both lists stay in step). */
export class Migration20261201213425_revoked_token_reason_without_check extends Migration {
  override up(): void {}
}
