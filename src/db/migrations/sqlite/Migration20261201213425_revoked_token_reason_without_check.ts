import { Migration } from '@mikro-orm/migrations';

/** Rebuilds revoked_tokens without the check on `reason`, which MikroORM misreads (see the entity). No table references it. */
export class Migration20261201213425_revoked_token_reason_without_check extends Migration {
  override up(): void {
    this.addSql(
      "create table `revoked_tokens__temp_alter` (`jti` text not null, `reason` text not null default 'logout', `revoked_at` datetime null, `expires_at` datetime not null, primary key (`jti`));",
    );
    this.addSql('insert into `revoked_tokens__temp_alter` select `jti`, `reason`, `revoked_at`, `expires_at` from `revoked_tokens`;');
    this.addSql('drop table `revoked_tokens`;');
    this.addSql('alter table `revoked_tokens__temp_alter` rename to `revoked_tokens`;');
    this.addSql('create index `revoked_tokens_expires_at_index` on `revoked_tokens` (`expires_at`);');
  }
}
