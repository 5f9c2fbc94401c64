export declare const POST: string;
export declare const REDIRECT: string;
export declare const EMAIL_FORMAT: string;
export declare const ENTRA_CLAIMS: {
  email: string;
  givenName: string;
  surname: string;
  name: string;
  displayName: string;
  objectId: string;
  groups: string;
};
export declare function escapeXml(value: string): string;
export declare function loginResponseValues(options: {
  acsUrl: string;
  issuer: string;
  nameId: string;
  nameIdFormat?: string;
  attributes?: Record<string, string | string[]>;
  inResponseTo?: string;
  sessionIndex?: string;
  validForMs: number;
}): Record<string, string>;
export declare function fillLoginTemplate(
  template: string,
  values: Record<string, string>,
  raw?: string[],
): { id: string; context: string };
