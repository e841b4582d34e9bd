import { Migration } from '@mikro-orm/migrations';

/**
 * The schema as it stood when Hangar still created it by auto-update. `if not exists` throughout,
 * so a database that auto-update created takes this migration as a no-op and upgrades in place.
 */
export class Migration20261201000000_initial extends Migration {
  override up(): void {
    this.addSql(
      'create table if not exists `rate_limit_buckets` (`key` text not null, `window_start` datetime not null, `count` integer not null, primary key (`key`));',
    );

    this.addSql(
      "create table if not exists `revoked_tokens` (`jti` text not null, `reason` text check (`reason` in ('logout', 'rotated', 'family')) not null default 'logout', `revoked_at` datetime null, `expires_at` datetime not null, primary key (`jti`));",
    );
    this.addSql('create index if not exists `revoked_tokens_expires_at_index` on `revoked_tokens` (`expires_at`);');

    this.addSql(
      'create table if not exists `server_secrets` (`name` text not null, `value` text not null, `created_at` datetime not null, primary key (`name`));',
    );

    this.addSql(
      'create table if not exists `users` (`id` integer not null primary key autoincrement, `uuid` text not null, `username` text not null, `email` text null, `first_name` text null, `last_name` text null, `password_hash` text not null, `token_version` integer not null, `created_at` datetime not null, `updated_at` datetime not null);',
    );
    this.addSql('create unique index if not exists `users_uuid_unique` on `users` (`uuid`);');
    this.addSql('create unique index if not exists `users_username_unique` on `users` (`username`);');
    this.addSql('create unique index if not exists `users_email_unique` on `users` (`email`);');

    this.addSql(
      'create table if not exists `ships` (`id` integer not null primary key autoincrement, `affiliation` text not null, `category` text not null, `crew` integer not null, `length` integer not null, `manufacturer` text not null, `model` text not null, `ship_class` text not null, `roles` json not null, `created_by_id` integer null, `created_at` datetime not null, `updated_at` datetime not null, constraint `ships_created_by_id_foreign` foreign key(`created_by_id`) references `users`(`id`) on delete set null on update cascade);',
    );
    this.addSql('create index if not exists `ships_created_by_id_index` on `ships` (`created_by_id`);');

    this.addSql(
      'create table if not exists `sessions` (`id` integer not null primary key autoincrement, `id_hash` text not null, `user_id` integer not null, `created_at` datetime not null, `expires_at` datetime null, constraint `sessions_user_id_foreign` foreign key(`user_id`) references `users`(`id`) on delete cascade on update cascade);',
    );
    this.addSql('create unique index if not exists `sessions_id_hash_unique` on `sessions` (`id_hash`);');
    this.addSql('create index if not exists `sessions_user_id_index` on `sessions` (`user_id`);');
    this.addSql('create index if not exists `sessions_expires_at_index` on `sessions` (`expires_at`);');
  }
}
