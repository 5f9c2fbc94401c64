import { X509Certificate } from 'node:crypto';

const DAY_MS = 24 * 60 * 60 * 1000;
export const EXPIRY_WARNING_DAYS = 30;

export interface CertificateInfo {
  subject: string;
  issuer: string;
  validFrom: Date;
  validTo: Date;
  sha256Fingerprint: string;
  /** Null when fine; otherwise a sentence for the admin. */
  warning: string | null;
  expired: boolean;
}

export function toPem(base64Der: string): string {
  const body = base64Der.replace(/\s+/g, '').match(/.{1,64}/g)?.join('\n') ?? '';
  return `-----BEGIN CERTIFICATE-----\n${body}\n-----END CERTIFICATE-----\n`;
}

/** What the "Signature verification" step shows for each signing certificate. */
export function describeCertificate(base64Der: string, now = new Date()): CertificateInfo {
  const cert = new X509Certificate(Buffer.from(base64Der, 'base64'));
  const validFrom = new Date(cert.validFrom);
  const validTo = new Date(cert.validTo);
  const expired = validTo.getTime() < now.getTime();
  const daysLeft = Math.floor((validTo.getTime() - now.getTime()) / DAY_MS);
  let warning: string | null = null;
  if (expired) warning = `This certificate expired on ${validTo.toISOString().slice(0, 10)}.`;
  else if (daysLeft < EXPIRY_WARNING_DAYS) warning = `This certificate expires in ${daysLeft} day(s).`;
  else if (validFrom.getTime() > now.getTime()) warning = `This certificate is not valid until ${validFrom.toISOString().slice(0, 10)}.`;
  return {
    subject: cert.subject.replace(/\n/g, ', '),
    issuer: cert.issuer.replace(/\n/g, ', '),
    validFrom,
    validTo,
    sha256Fingerprint: cert.fingerprint256,
    warning,
    expired,
  };
}

/** Checks that a base64 string is an X.509 certificate; returns an error message or null. */
export function certificateError(base64Der: string): string | null {
  try {
    new X509Certificate(Buffer.from(base64Der.replace(/-----[^-]+-----|\s+/g, ''), 'base64'));
    return null;
  } catch {
    return 'This is not a valid X.509 certificate (paste the PEM or base64 text).';
  }
}
