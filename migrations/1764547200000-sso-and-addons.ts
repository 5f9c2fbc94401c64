import { MigrationInterface, QueryRunner } from 'typeorm';

export class SsoAndAddons1764547200000 implements MigrationInterface {
  name = 'SsoAndAddons1764547200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE addon_settings (
        addon_key varchar(100) PRIMARY KEY,
        settings jsonb NOT NULL DEFAULT '{}',
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);

    await q.query(`
      CREATE TABLE identity_providers (
        id serial PRIMARY KEY,
        unique_id varchar(64) NOT NULL,
        name varchar(255) NOT NULL,
        preset varchar(32) NOT NULL,
        enabled boolean NOT NULL DEFAULT true,
        entity_id varchar(1024) NOT NULL,
        sso_url varchar(2048) NOT NULL,
        slo_url varchar(2048),
        certificates text[] NOT NULL,
        metadata_url varchar(2048),
        metadata_refreshed_at timestamptz,
        settings jsonb NOT NULL,
        sp_private_key text,
        sp_certificate text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT identity_providers_unique_id_format CHECK (unique_id ~ '^[a-z0-9][a-z0-9_-]{0,63}$'),
        CONSTRAINT identity_providers_name_present CHECK (char_length(btrim(name)) > 0),
        CONSTRAINT identity_providers_has_certificate CHECK (cardinality(certificates) > 0)
      )`);
    await q.query(`CREATE UNIQUE INDEX identity_providers_unique_id_key ON identity_providers (unique_id)`);

    await q.query(`
      CREATE TABLE idp_known_domains (
        domain varchar(253) PRIMARY KEY,
        idp_id integer NOT NULL REFERENCES identity_providers(id) ON DELETE CASCADE,
        CONSTRAINT idp_known_domains_lower CHECK (domain = lower(domain) AND domain ~ '^[a-z0-9.-]+$')
      )`);
    await q.query(`CREATE INDEX idp_known_domains_idp_idx ON idp_known_domains (idp_id)`);

    // Outstanding AuthnRequest IDs, per IdP, shared by every process (InResponseTo check).
    await q.query(`
      CREATE TABLE saml_request_ids (
        request_id varchar(128) PRIMARY KEY,
        idp_id integer NOT NULL REFERENCES identity_providers(id) ON DELETE CASCADE,
        expires_at timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX saml_request_ids_expires_idx ON saml_request_ids (expires_at)`);

    // Assertion IDs already used, kept until the assertion's NotOnOrAfter (replay cache).
    await q.query(`
      CREATE TABLE saml_seen_assertions (
        idp_id integer NOT NULL REFERENCES identity_providers(id) ON DELETE CASCADE,
        assertion_id varchar(256) NOT NULL,
        expires_at timestamptz NOT NULL,
        PRIMARY KEY (idp_id, assertion_id)
      )`);
    await q.query(`CREATE INDEX saml_seen_assertions_expires_idx ON saml_seen_assertions (expires_at)`);

    await q.query(`
      CREATE TABLE sso_links (
        idp_id integer NOT NULL REFERENCES identity_providers(id) ON DELETE CASCADE,
        subject varchar(512) NOT NULL,
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        created_at timestamptz NOT NULL DEFAULT now(),
        last_login_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (idp_id, subject)
      )`);
    await q.query(`CREATE INDEX sso_links_user_idx ON sso_links (user_id)`);

    // Memberships that group sync granted; sync only ever removes these, never an admin's.
    await q.query(`
      CREATE TABLE sso_group_grants (
        idp_id integer NOT NULL REFERENCES identity_providers(id) ON DELETE CASCADE,
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        group_id integer NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
        PRIMARY KEY (idp_id, user_id, group_id)
      )`);

    await q.query(`
      CREATE TABLE sso_trace (
        id bigserial PRIMARY KEY,
        idp_id integer NOT NULL REFERENCES identity_providers(id) ON DELETE CASCADE,
        at timestamptz NOT NULL DEFAULT now(),
        flow varchar(32) NOT NULL,
        outcome varchar(16) NOT NULL,
        reason text,
        name_id text,
        username text,
        attributes jsonb
      )`);
    await q.query(`CREATE INDEX sso_trace_idp_idx ON sso_trace (idp_id, id DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of [
      'sso_trace',
      'sso_group_grants',
      'sso_links',
      'saml_seen_assertions',
      'saml_request_ids',
      'idp_known_domains',
      'identity_providers',
      'addon_settings',
    ]) {
      await q.query(`DROP TABLE ${table}`);
    }
  }
}
