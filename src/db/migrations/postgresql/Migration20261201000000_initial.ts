import { Migration } from '@mikro-orm/migrations';

export class Migration20261201000000_initial extends Migration {
  override up(): void {
    this.addSql(
      'create table "rate_limit_buckets" ("key" varchar(64) not null, "window_start" timestamptz not null, "count" int not null, constraint "rate_limit_buckets_pkey" primary key ("key"));',
    );

    this.addSql(
      'create table "revoked_tokens" ("jti" varchar(80) not null, "reason" varchar(16) not null default \'logout\', "revoked_at" timestamptz null, "expires_at" timestamptz not null, constraint "revoked_tokens_pkey" primary key ("jti"));',
    );
    this.addSql('create index "revoked_tokens_expires_at_index" on "revoked_tokens" ("expires_at");');

    this.addSql(
      'create table "server_secrets" ("name" varchar(64) not null, "value" varchar(255) not null, "created_at" timestamptz not null, constraint "server_secrets_pkey" primary key ("name"));',
    );

    this.addSql(
      'create table "users" ("id" serial primary key, "uuid" uuid not null, "username" varchar(255) not null, "email" varchar(255) null, "first_name" varchar(255) null, "last_name" varchar(255) null, "password_hash" varchar(255) not null, "token_version" int not null, "created_at" timestamptz not null, "updated_at" timestamptz not null);',
    );
    this.addSql('alter table "users" add constraint "users_uuid_unique" unique ("uuid");');
    this.addSql('alter table "users" add constraint "users_username_unique" unique ("username");');
    this.addSql('alter table "users" add constraint "users_email_unique" unique ("email");');

    this.addSql(
      'create table "ships" ("id" serial primary key, "affiliation" varchar(255) not null, "category" varchar(255) not null, "crew" int not null, "length" int not null, "manufacturer" varchar(255) not null, "model" varchar(255) not null, "ship_class" varchar(255) not null, "roles" jsonb not null, "created_by_id" int null, "created_at" timestamptz not null, "updated_at" timestamptz not null);',
    );
    this.addSql('create index "ships_created_by_id_index" on "ships" ("created_by_id");');

    this.addSql(
      'create table "sessions" ("id" serial primary key, "id_hash" varchar(64) not null, "user_id" int not null, "created_at" timestamptz not null, "expires_at" timestamptz null);',
    );
    this.addSql('create index "sessions_user_id_index" on "sessions" ("user_id");');
    this.addSql('alter table "sessions" add constraint "sessions_id_hash_unique" unique ("id_hash");');
    this.addSql('create index "sessions_expires_at_index" on "sessions" ("expires_at");');

    this.addSql(
      'alter table "ships" add constraint "ships_created_by_id_foreign" foreign key ("created_by_id") references "users" ("id") on update cascade on delete set null;',
    );
    this.addSql(
      'alter table "sessions" add constraint "sessions_user_id_foreign" foreign key ("user_id") references "users" ("id") on update cascade on delete cascade;',
    );
  }
}
