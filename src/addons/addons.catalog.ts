/** Atrium's built-in add-ons, as the Add-ons page lists them. */
export interface AddonInfo {
  key: string;
  name: string;
  description: string;
  configureUrl: string;
}

export const BUILT_IN_ADDONS: AddonInfo[] = [
  {
    key: 'saml-sso',
    name: 'SAML single sign-on',
    description:
      'Kantega-compatible SAML 2.0 single sign-on: Microsoft Entra ID, AD FS, Okta, Google Workspace or any SAML identity provider.',
    configureUrl: '/admin/sso',
  },
];
