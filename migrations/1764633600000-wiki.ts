import { MigrationInterface, QueryRunner } from 'typeorm';

export class Wiki1764633600000 implements MigrationInterface {
  name = 'Wiki1764633600000';

  async up(q: QueryRunner): Promise<void> {
    // Global permissions: "use" (log in and see the wiki) and "admin".
    await q.query(`
      CREATE TABLE global_permissions (
        id serial PRIMARY KEY,
        group_id integer REFERENCES groups(id) ON DELETE CASCADE,
        user_id uuid REFERENCES users(id) ON DELETE CASCADE,
        permission varchar(16) NOT NULL CHECK (permission IN ('use', 'admin')),
        CONSTRAINT global_permissions_one_subject CHECK ((group_id IS NULL) <> (user_id IS NULL))
      )`);
    await q.query(`CREATE UNIQUE INDEX global_permissions_key ON global_permissions
      (permission, COALESCE(group_id, 0), COALESCE(user_id, '00000000-0000-0000-0000-000000000000'))`);
    await q.query(`INSERT INTO global_permissions (group_id, permission)
      SELECT id, 'use' FROM groups WHERE name IN ('confluence-users', 'confluence-administrators')
      UNION ALL SELECT id, 'admin' FROM groups WHERE name = 'confluence-administrators'`);

    await q.query(`
      CREATE TABLE spaces (
        id serial PRIMARY KEY,
        key varchar(32) NOT NULL,
        name varchar(200) NOT NULL,
        description text NOT NULL DEFAULT '',
        homepage_id bigint,
        created_by uuid REFERENCES users(id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT spaces_key_format CHECK (key ~ '^[A-Z0-9]{1,32}$'),
        CONSTRAINT spaces_name_present CHECK (char_length(btrim(name)) > 0)
      )`);
    await q.query(`CREATE UNIQUE INDEX spaces_key_key ON spaces (key)`);

    // Who may do what in a space: a group, a user, or anonymous visitors (neither).
    await q.query(`
      CREATE TABLE space_permissions (
        id serial PRIMARY KEY,
        space_id integer NOT NULL REFERENCES spaces(id) ON DELETE CASCADE,
        group_id integer REFERENCES groups(id) ON DELETE CASCADE,
        user_id uuid REFERENCES users(id) ON DELETE CASCADE,
        permission varchar(16) NOT NULL
          CHECK (permission IN ('view', 'edit', 'comment', 'attach', 'delete', 'admin')),
        CONSTRAINT space_permissions_subject CHECK (group_id IS NULL OR user_id IS NULL)
      )`);
    await q.query(`CREATE UNIQUE INDEX space_permissions_key ON space_permissions
      (space_id, permission, COALESCE(group_id, 0), COALESCE(user_id, '00000000-0000-0000-0000-000000000000'))`);

    await q.query(`
      CREATE TABLE pages (
        id bigserial PRIMARY KEY,
        space_id integer NOT NULL REFERENCES spaces(id) ON DELETE CASCADE,
        parent_id bigint REFERENCES pages(id) ON DELETE SET NULL,
        -- Ancestor ids from the root down, for breadcrumbs, inherited restrictions and moves.
        ancestors bigint[] NOT NULL DEFAULT '{}',
        position integer NOT NULL DEFAULT 0,
        title varchar(255) NOT NULL,
        status varchar(16) NOT NULL DEFAULT 'current' CHECK (status IN ('current', 'trashed')),
        version integer NOT NULL DEFAULT 1,
        body text NOT NULL DEFAULT '',
        label_text text NOT NULL DEFAULT '',
        search_vector tsvector NOT NULL DEFAULT ''::tsvector,
        created_by uuid REFERENCES users(id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_by uuid REFERENCES users(id) ON DELETE SET NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        trashed_at timestamptz,
        trashed_by uuid REFERENCES users(id) ON DELETE SET NULL,
        CONSTRAINT pages_title_present CHECK (char_length(btrim(title)) > 0)
      )`);
    await q.query(`ALTER TABLE spaces ADD CONSTRAINT spaces_homepage_fk
      FOREIGN KEY (homepage_id) REFERENCES pages(id) ON DELETE SET NULL DEFERRABLE INITIALLY DEFERRED`);
    // Titles are unique within a space among current pages, as in Confluence.
    await q.query(`CREATE UNIQUE INDEX pages_space_title_key ON pages (space_id, lower(title)) WHERE status = 'current'`);
    await q.query(`CREATE INDEX pages_children_idx ON pages (space_id, parent_id, position, id) WHERE status = 'current'`);
    await q.query(`CREATE INDEX pages_ancestors_idx ON pages USING gin (ancestors)`);
    await q.query(`CREATE INDEX pages_updated_idx ON pages (updated_at DESC) WHERE status = 'current'`);
    await q.query(`CREATE INDEX pages_trash_idx ON pages (space_id, trashed_at DESC) WHERE status = 'trashed'`);
    await q.query(`CREATE INDEX pages_search_idx ON pages USING gin (search_vector)`);
    await q.query(`CREATE INDEX pages_title_trgm_idx ON pages USING gin (lower(title) gin_trgm_ops)`);

    // Title > labels > body, as the search weights.
    await q.query(`
      CREATE FUNCTION pages_search_vector() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        NEW.search_vector :=
          setweight(to_tsvector('english', coalesce(NEW.title, '')), 'A') ||
          setweight(to_tsvector('english', coalesce(NEW.label_text, '')), 'B') ||
          setweight(to_tsvector('english', regexp_replace(coalesce(NEW.body, ''), '<[^>]*>', ' ', 'g')), 'C');
        RETURN NEW;
      END $$`);
    await q.query(`CREATE TRIGGER pages_search_vector_trg BEFORE INSERT OR UPDATE OF title, body, label_text
      ON pages FOR EACH ROW EXECUTE FUNCTION pages_search_vector()`);

    await q.query(`
      CREATE TABLE page_versions (
        page_id bigint NOT NULL REFERENCES pages(id) ON DELETE CASCADE,
        version integer NOT NULL,
        title varchar(255) NOT NULL,
        body text NOT NULL,
        author_id uuid REFERENCES users(id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        change_comment varchar(500) NOT NULL DEFAULT '',
        minor_edit boolean NOT NULL DEFAULT false,
        PRIMARY KEY (page_id, version)
      )`);
    await q.query(`CREATE INDEX page_versions_author_idx ON page_versions (author_id, created_at DESC)`);

    // A page's view or edit restriction names the groups and users allowed.
    await q.query(`
      CREATE TABLE page_restrictions (
        id serial PRIMARY KEY,
        page_id bigint NOT NULL REFERENCES pages(id) ON DELETE CASCADE,
        kind varchar(8) NOT NULL CHECK (kind IN ('view', 'edit')),
        group_id integer REFERENCES groups(id) ON DELETE CASCADE,
        user_id uuid REFERENCES users(id) ON DELETE CASCADE,
        CONSTRAINT page_restrictions_one_subject CHECK ((group_id IS NULL) <> (user_id IS NULL))
      )`);
    await q.query(`CREATE UNIQUE INDEX page_restrictions_key ON page_restrictions
      (page_id, kind, COALESCE(group_id, 0), COALESCE(user_id, '00000000-0000-0000-0000-000000000000'))`);

    await q.query(`
      CREATE TABLE page_drafts (
        id bigserial PRIMARY KEY,
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        page_id bigint REFERENCES pages(id) ON DELETE CASCADE,
        space_id integer NOT NULL REFERENCES spaces(id) ON DELETE CASCADE,
        parent_id bigint REFERENCES pages(id) ON DELETE SET NULL,
        base_version integer,
        title varchar(255) NOT NULL DEFAULT '',
        body text NOT NULL DEFAULT '',
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX page_drafts_user_page_key ON page_drafts (user_id, page_id) WHERE page_id IS NOT NULL`);

    await q.query(`
      CREATE TABLE comments (
        id bigserial PRIMARY KEY,
        page_id bigint NOT NULL REFERENCES pages(id) ON DELETE CASCADE,
        parent_id bigint REFERENCES comments(id) ON DELETE CASCADE,
        author_id uuid REFERENCES users(id) ON DELETE SET NULL,
        body text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX comments_page_idx ON comments (page_id, created_at)`);

    await q.query(`
      CREATE TABLE labels (
        id serial PRIMARY KEY,
        name varchar(255) NOT NULL,
        CONSTRAINT labels_name_format CHECK (name ~ '^[^[:space:][:upper:]]+$')
      )`);
    await q.query(`CREATE UNIQUE INDEX labels_name_key ON labels (name)`);
    await q.query(`
      CREATE TABLE page_labels (
        page_id bigint NOT NULL REFERENCES pages(id) ON DELETE CASCADE,
        label_id integer NOT NULL REFERENCES labels(id) ON DELETE CASCADE,
        added_by uuid REFERENCES users(id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (page_id, label_id)
      )`);
    await q.query(`CREATE INDEX page_labels_label_idx ON page_labels (label_id, page_id)`);

    await q.query(`
      CREATE TABLE attachments (
        id bigserial PRIMARY KEY,
        page_id bigint NOT NULL REFERENCES pages(id) ON DELETE CASCADE,
        filename varchar(255) NOT NULL,
        version integer NOT NULL DEFAULT 1,
        media_type varchar(255) NOT NULL,
        size bigint NOT NULL,
        created_by uuid REFERENCES users(id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX attachments_page_filename_key ON attachments (page_id, lower(filename))`);
    // Bytes live in PostgreSQL so every process serves them; one row per version.
    await q.query(`
      CREATE TABLE attachment_versions (
        attachment_id bigint NOT NULL REFERENCES attachments(id) ON DELETE CASCADE,
        version integer NOT NULL,
        media_type varchar(255) NOT NULL,
        size bigint NOT NULL,
        sha256 char(64) NOT NULL,
        data bytea NOT NULL,
        comment varchar(500) NOT NULL DEFAULT '',
        created_by uuid REFERENCES users(id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (attachment_id, version)
      )`);

    await q.query(`
      CREATE TABLE watches (
        id bigserial PRIMARY KEY,
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        page_id bigint REFERENCES pages(id) ON DELETE CASCADE,
        space_id integer REFERENCES spaces(id) ON DELETE CASCADE,
        CONSTRAINT watches_one_target CHECK ((page_id IS NULL) <> (space_id IS NULL))
      )`);
    await q.query(`CREATE UNIQUE INDEX watches_key ON watches (user_id, COALESCE(page_id, 0), COALESCE(space_id, 0))`);
    await q.query(`CREATE INDEX watches_page_idx ON watches (page_id) WHERE page_id IS NOT NULL`);
    await q.query(`CREATE INDEX watches_space_idx ON watches (space_id) WHERE space_id IS NOT NULL`);

    await q.query(`
      CREATE TABLE notifications (
        id bigserial PRIMARY KEY,
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        page_id bigint REFERENCES pages(id) ON DELETE CASCADE,
        actor_id uuid REFERENCES users(id) ON DELETE SET NULL,
        kind varchar(32) NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        read_at timestamptz
      )`);
    await q.query(`CREATE INDEX notifications_user_idx ON notifications (user_id, created_at DESC)`);

    await q.query(`
      CREATE TABLE audit_log (
        id bigserial PRIMARY KEY,
        at timestamptz NOT NULL DEFAULT now(),
        actor_id uuid REFERENCES users(id) ON DELETE SET NULL,
        action varchar(64) NOT NULL,
        space_id integer REFERENCES spaces(id) ON DELETE SET NULL,
        page_id bigint REFERENCES pages(id) ON DELETE SET NULL,
        summary text NOT NULL,
        details jsonb
      )`);
    await q.query(`CREATE INDEX audit_log_at_idx ON audit_log (at DESC, id DESC)`);
    await q.query(`CREATE INDEX audit_log_action_idx ON audit_log (action, at DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of [
      'audit_log',
      'notifications',
      'watches',
      'attachment_versions',
      'attachments',
      'page_labels',
      'labels',
      'comments',
      'page_drafts',
      'page_restrictions',
      'page_versions',
    ]) {
      await q.query(`DROP TABLE ${table}`);
    }
    await q.query(`ALTER TABLE spaces DROP CONSTRAINT spaces_homepage_fk`);
    await q.query(`DROP TABLE pages`);
    await q.query(`DROP FUNCTION pages_search_vector()`);
    await q.query(`DROP TABLE space_permissions`);
    await q.query(`DROP TABLE spaces`);
    await q.query(`DROP TABLE global_permissions`);
  }
}
