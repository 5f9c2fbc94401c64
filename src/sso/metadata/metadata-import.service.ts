import { Injectable } from '@nestjs/common';
import { UserInputError } from '../../users/user-input.error.js';
import { certificateError } from './certificate-info.js';
import { MAX_METADATA_BYTES, MetadataError, parseIdpMetadata, type IdpMetadata } from './idp-metadata.parser.js';

const FETCH_TIMEOUT_MS = 10_000;

export type MetadataSource =
  | { kind: 'file' | 'xml'; xml: string | Buffer }
  | { kind: 'url'; url: string }
  | { kind: 'manual'; entityId: string; ssoUrl: string; sloUrl?: string; certificate: string };

export interface ImportedMetadata extends IdpMetadata {
  metadataUrl: string | null;
}

/** Reads IdP metadata from a file, pasted XML, a URL, or manual entry, with clear errors. */
@Injectable()
export class MetadataImportService {
  async importMetadata(source: MetadataSource, field = 'metadata'): Promise<ImportedMetadata> {
    try {
      if (source.kind === 'manual') return this.manual(source, field);
      if (source.kind === 'url') return { ...parseIdpMetadata(await this.fetchMetadata(source.url)), metadataUrl: source.url };
      return { ...parseIdpMetadata(source.xml), metadataUrl: null };
    } catch (error) {
      if (error instanceof MetadataError) throw new UserInputError({ [field]: error.message });
      throw error;
    }
  }

  /** GETs metadata over http(s) with a timeout and the same size cap as uploads. */
  async fetchMetadata(rawUrl: string): Promise<Buffer> {
    let url: URL;
    try {
      url = new URL(rawUrl.trim());
    } catch {
      throw new MetadataError('The metadata URL is not a valid URL.');
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new MetadataError('The metadata URL must be http(s).');
    let response: Response;
    try {
      response = await fetch(url, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS), redirect: 'follow' });
    } catch (error) {
      throw new MetadataError(`Could not download the metadata from ${url.host}: ${(error as Error).message}.`);
    }
    if (!response.ok) throw new MetadataError(`Downloading the metadata failed: HTTP ${response.status}.`);
    const declared = Number(response.headers.get('content-length') ?? 0);
    if (declared > MAX_METADATA_BYTES) throw new MetadataError('The metadata at that URL is too large.');
    const body = Buffer.from(await response.arrayBuffer());
    if (body.length > MAX_METADATA_BYTES) throw new MetadataError('The metadata at that URL is too large.');
    return body;
  }

  private manual(source: Extract<MetadataSource, { kind: 'manual' }>, field: string): ImportedMetadata {
    const certificate = source.certificate.replace(/-----[^-]+-----|\s+/g, '');
    const errors: Record<string, string> = {};
    if (!source.entityId.trim()) errors.entityId = 'Enter the IdP entity ID (Issuer).';
    if (!/^https?:\/\//.test(source.ssoUrl.trim())) errors.ssoUrl = 'Enter the SSO URL (http or https).';
    const certError = certificate ? certificateError(certificate) : 'Paste the IdP signing certificate.';
    if (certError) errors.certificate = certError;
    if (Object.keys(errors).length) throw new UserInputError(field === 'metadata' ? errors : { [field]: Object.values(errors).join(' ') });
    return {
      entityId: source.entityId.trim(),
      ssoUrl: source.ssoUrl.trim(),
      ssoBinding: 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect',
      sloUrl: source.sloUrl?.trim() || null,
      signingCertificates: [certificate],
      nameIdFormats: [],
      metadataUrl: null,
    };
  }
}
