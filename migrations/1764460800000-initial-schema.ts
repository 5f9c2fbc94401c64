import { MigrationInterface, QueryRunner } from 'typeorm';

export class InitialSchema1764460800000 implements MigrationInterface {
  name = 'InitialSchema1764460800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE EXTENSION IF NOT EXISTS pg_trgm`);
    await q.query(`
      CREATE TABLE users (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        username varchar(255) NOT NULL,
        full_name varchar(255) NOT NULL,
        email varchar(255) NOT NULL,
        password_hash varchar(100),
        active boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        last_login_at timestamptz,
        CONSTRAINT users_username_format CHECK (
          char_length(username) BETWEEN 1 AND 255 AND username !~ '[[:space:][:cntrl:]]'),
        CONSTRAINT users_email_format CHECK (email ~ '^[^@[:space:]]+@[^@[:space:]]+$'),
        CONSTRAINT users_full_name_present CHECK (char_length(btrim(full_name)) > 0)
      )`);
    await q.query(`CREATE UNIQUE INDEX users_username_lower_key ON users (lower(username))`);
    await q.query(`CREATE UNIQUE INDEX users_email_lower_key ON users (lower(email))`);
    // Substring search in User management stays index-backed at 100k users.
    await q.query(`CREATE INDEX users_search_trgm ON users
      USING gin ((lower(username) || ' ' || lower(full_name) || ' ' || lower(email)) gin_trgm_ops)`);

    await q.query(`
      CREATE TABLE groups (
        id serial PRIMARY KEY,
        name varchar(255) NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT groups_name_format CHECK (
          char_length(name) BETWEEN 1 AND 255 AND name = lower(name) AND name !~ '[[:cntrl:]]')
      )`);
    await q.query(`CREATE UNIQUE INDEX groups_name_key ON groups (name)`);
    await q.query(`
      CREATE TABLE user_groups (
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        group_id integer NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
        PRIMARY KEY (user_id, group_id)
      )`);
    await q.query(`CREATE INDEX user_groups_group_idx ON user_groups (group_id, user_id)`);
    await q.query(`INSERT INTO groups (name) VALUES ('confluence-users'), ('confluence-administrators')`);

    // connect-pg-simple's table, plus an index to end a user's sessions on deactivation.
    await q.query(`
      CREATE TABLE sessions (
        sid varchar NOT NULL PRIMARY KEY,
        sess json NOT NULL,
        expire timestamp(6) NOT NULL
      )`);
    await q.query(`CREATE INDEX sessions_expire_idx ON sessions (expire)`);
    await q.query(`CREATE INDEX sessions_user_idx ON sessions ((sess->>'userId'))`);

    await q.query(`
      CREATE TABLE login_failures (
        key varchar(300) PRIMARY KEY,
        window_start timestamptz NOT NULL,
        failures integer NOT NULL
      )`);

    await q.query(`
      CREATE TABLE system_secrets (
        name varchar(100) PRIMARY KEY,
        value text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE system_secrets`);
    await q.query(`DROP TABLE login_failures`);
    await q.query(`DROP TABLE sessions`);
    await q.query(`DROP TABLE user_groups`);
    await q.query(`DROP TABLE groups`);
    await q.query(`DROP TABLE users`);
  }
}
