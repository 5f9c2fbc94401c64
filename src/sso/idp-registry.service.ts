import { Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomBytes } from 'node:crypto';
import { generate } from 'selfsigned';
import { DataSource } from 'typeorm';
import { SETTINGS_CACHE_MS } from '../addons/addon-settings.service.js';
import { UserInputError } from '../users/user-input.error.js';
import type { IdentityProvider } from './identity-provider.js';
import { findPreset, type PresetKey } from './idp-presets.js';
import type { IdpSettings } from './idp-settings.js';
import { certificateError } from './metadata/certificate-info.js';

export interface IdpDefinition {
  uniqueId?: string;
  name: unknown;
  preset: unknown;
  entityId: unknown;
  ssoUrl: unknown;
  sloUrl?: unknown;
  certificates: string[];
  metadataUrl?: string | null;
  settings: IdpSettings;
  enabled?: boolean;
}

const SELECT_IDP = `
  SELECT p.id, p.unique_id AS "uniqueId", p.name, p.preset, p.enabled, p.entity_id AS "entityId",
         p.sso_url AS "ssoUrl", p.slo_url AS "sloUrl", p.certificates, p.metadata_url AS "metadataUrl",
         p.metadata_refreshed_at AS "metadataRefreshedAt", p.settings,
         p.sp_private_key AS "spPrivateKey", p.sp_certificate AS "spCertificate",
         p.created_at AS "createdAt", p.updated_at AS "updatedAt",
         COALESCE((SELECT array_agg(d.domain ORDER BY d.domain) FROM idp_known_domains d WHERE d.idp_id = p.id), '{}')
           AS "knownDomains"
    FROM identity_providers p`;

/** How long the login endpoints trust a cached IdP: like add-on settings, a change reaches every process within this. */
export const LOGIN_IDP_CACHE_MS = SETTINGS_CACHE_MS;

const UNIQUE_ID = /^[a-z0-9][a-z0-9_-]{0,63}$/;
const DOMAIN = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

function httpUrlError(value: string, label: string): string | undefined {
  if (!value) return `Enter the ${label}.`;
  try {
    const url = new URL(value);
    if (url.protocol === 'https:' || url.protocol === 'http:') return undefined;
  } catch {
    // fall through
  }
  return `The ${label} must be an http(s) URL.`;
}

function str(value: unknown): string {
  return typeof value === 'string' ? value.trim() : '';
}

/** name, preset, enabled, entity_id, sso_url, slo_url, certificates, metadata_url, settings: $2..$10 below. */
function definitionColumns(def: Omit<IdpDefinition, 'uniqueId'>, enabledDefault: boolean): unknown[] {
  return [
    str(def.name),
    def.preset,
    def.enabled ?? enabledDefault,
    str(def.entityId),
    str(def.ssoUrl),
    str(def.sloUrl) || null,
    def.certificates,
    def.metadataUrl ?? null,
    JSON.stringify(def.settings),
  ];
}

/** Stores identity providers and their known domains. */
@Injectable()
export class IdpRegistryService {
  /** findForLogin's copies by unique ID. Unknown IDs are not cached, so it holds at most one entry per IdP. */
  private readonly loginCache = new Map<string, { at: number; idp: IdentityProvider }>();

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  newUniqueId(preset: PresetKey): string {
    return `${preset}-${randomBytes(4).toString('hex')}`;
  }

  async listIdps(): Promise<IdentityProvider[]> {
    return this.dataSource.query(`${SELECT_IDP} ORDER BY p.created_at, p.id`);
  }

  async findByUniqueId(uniqueId: string): Promise<IdentityProvider | null> {
    if (!UNIQUE_ID.test(uniqueId)) return null;
    const rows = await this.dataSource.query(`${SELECT_IDP} WHERE p.unique_id = $1`, [uniqueId]);
    return rows[0] ?? null;
  }

  /**
   * The IdP for the Sign-on URL and the ACS, which every SSO login hits, through a short cache
   * like add-on settings: changes made on this process apply at once, those made on another
   * within LOGIN_IDP_CACHE_MS. Admin reads and updates use findByUniqueId, never a stale copy.
   */
  async findForLogin(uniqueId: string): Promise<IdentityProvider | null> {
    const hit = this.loginCache.get(uniqueId);
    if (hit && Date.now() - hit.at < LOGIN_IDP_CACHE_MS) return hit.idp;
    const idp = await this.findByUniqueId(uniqueId);
    if (idp) this.loginCache.set(uniqueId, { at: Date.now(), idp });
    else this.loginCache.delete(uniqueId);
    return idp;
  }

  async requireIdp(uniqueId: string): Promise<IdentityProvider> {
    const idp = await this.findByUniqueId(uniqueId);
    if (!idp) throw new NotFoundException('No identity provider with this ID.');
    return idp;
  }

  /** The enabled IdP whose Known domains include the domain of `emailOrDomain`. */
  async findByDomain(emailOrDomain: string): Promise<IdentityProvider | null> {
    const domain = emailOrDomain.slice(emailOrDomain.lastIndexOf('@') + 1).trim().toLowerCase();
    if (!domain) return null;
    const rows = await this.dataSource.query(
      `${SELECT_IDP} JOIN idp_known_domains k ON k.idp_id = p.id WHERE k.domain = $1 AND p.enabled`,
      [domain],
    );
    return rows[0] ?? null;
  }

  validateDefinition(def: IdpDefinition): Record<string, string> {
    const errors: Record<string, string> = {};
    const name = str(def.name);
    if (!name) errors.name = 'Enter the Identity provider name.';
    else if (name.length > 255) errors.name = 'The name must be at most 255 characters.';
    if (!findPreset(def.preset)) errors.preset = 'Choose an identity provider type.';
    const entityId = str(def.entityId);
    if (!entityId) errors.entityId = 'Enter the IdP entity ID (Issuer).';
    else if (entityId.length > 1024) errors.entityId = 'The entity ID must be at most 1024 characters.';
    const sso = httpUrlError(str(def.ssoUrl), 'SSO URL');
    if (sso) errors.ssoUrl = sso;
    if (str(def.sloUrl)) {
      const slo = httpUrlError(str(def.sloUrl), 'logout URL');
      if (slo) errors.sloUrl = slo;
    }
    if (!def.certificates.length) errors.certificates = 'Add at least one signing certificate.';
    const bad = def.certificates.map(certificateError).find(Boolean);
    if (bad) errors.certificates = bad;
    if (def.uniqueId !== undefined && !UNIQUE_ID.test(def.uniqueId)) {
      errors.uniqueId = 'The ID may use lower-case letters, digits, - and _ (at most 64).';
    }
    return errors;
  }

  /** Creates the IdP with its own SP key pair (for signed requests and encrypted assertions). */
  async createIdp(def: IdpDefinition): Promise<IdentityProvider> {
    const errors = this.validateDefinition(def);
    if (Object.keys(errors).length) throw new UserInputError(errors);
    const uniqueId = def.uniqueId ?? this.newUniqueId(def.preset as PresetKey);
    if (await this.findByUniqueId(uniqueId)) throw new UserInputError({ uniqueId: 'This ID is already in use.' });
    const keys = await generate([{ name: 'commonName', value: `Atrium SAML SP ${uniqueId}` }], {
      keySize: 2048,
      notAfterDate: new Date(Date.now() + 10 * 365 * 24 * 60 * 60 * 1000),
      algorithm: 'sha256',
    });
    await this.dataSource.query(
      `INSERT INTO identity_providers (unique_id, name, preset, enabled, entity_id, sso_url, slo_url, certificates,
         metadata_url, metadata_refreshed_at, settings, sp_private_key, sp_certificate)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, CASE WHEN $9::varchar IS NULL THEN NULL ELSE now() END, $10, $11, $12)`,
      [uniqueId, ...definitionColumns(def, true), keys.private, keys.cert],
    );
    this.loginCache.delete(uniqueId);
    return (await this.findByUniqueId(uniqueId))!;
  }

  async updateIdp(uniqueId: string, def: Omit<IdpDefinition, 'uniqueId'>): Promise<IdentityProvider> {
    const idp = await this.requireIdp(uniqueId);
    const errors = this.validateDefinition(def);
    if (Object.keys(errors).length) throw new UserInputError(errors);
    await this.dataSource.query(
      `UPDATE identity_providers SET name = $2, preset = $3, enabled = $4, entity_id = $5, sso_url = $6, slo_url = $7,
         certificates = $8, metadata_url = $9, settings = $10, updated_at = now() WHERE id = $1`,
      [idp.id, ...definitionColumns(def, idp.enabled)],
    );
    this.loginCache.delete(uniqueId);
    return (await this.findByUniqueId(uniqueId))!;
  }

  async markMetadataRefreshed(id: number): Promise<void> {
    await this.dataSource.query(`UPDATE identity_providers SET metadata_refreshed_at = now() WHERE id = $1`, [id]);
    this.loginCache.clear();
  }

  /** IdPs with a metadata URL not refreshed for a day. */
  async findStaleMetadata(): Promise<IdentityProvider[]> {
    return this.dataSource.query(
      `${SELECT_IDP} WHERE p.metadata_url IS NOT NULL
         AND (p.metadata_refreshed_at IS NULL OR p.metadata_refreshed_at < now() - interval '1 day')`,
    );
  }

  async deleteIdp(uniqueId: string): Promise<void> {
    const idp = await this.requireIdp(uniqueId);
    await this.dataSource.query(`DELETE FROM identity_providers WHERE id = $1`, [idp.id]);
    this.loginCache.delete(uniqueId);
  }

  /** Replaces the Known domains list; a domain can route to one IdP only. */
  async setKnownDomains(uniqueId: string, input: string[]): Promise<string[]> {
    const idp = await this.requireIdp(uniqueId);
    const domains = [...new Set(input.map((d) => d.trim().toLowerCase().replace(/^@/, '')).filter(Boolean))];
    const invalid = domains.filter((d) => !DOMAIN.test(d));
    if (invalid.length) throw new UserInputError({ domains: `Not a domain name: ${invalid.join(', ')}.` });
    const taken: { domain: string; name: string }[] = await this.dataSource.query(
      `SELECT k.domain, p.name FROM idp_known_domains k JOIN identity_providers p ON p.id = k.idp_id
        WHERE k.domain = ANY($1) AND k.idp_id <> $2`,
      [domains, idp.id],
    );
    if (taken.length) {
      throw new UserInputError({
        domains: taken.map((t) => `${t.domain} already belongs to ${t.name}.`).join(' '),
      });
    }
    await this.dataSource.transaction(async (tx) => {
      await tx.query(`DELETE FROM idp_known_domains WHERE idp_id = $1`, [idp.id]);
      await tx.query(`INSERT INTO idp_known_domains (domain, idp_id) SELECT unnest($1::varchar[]), $2`, [
        domains,
        idp.id,
      ]);
    });
    this.loginCache.delete(uniqueId);
    return domains;
  }
}
