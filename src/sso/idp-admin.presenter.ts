import { NotFoundException } from '@nestjs/common';
import type { IdpAdminService } from './idp-admin.service.js';
import type { TraceRow } from './sso-trace.service.js';

export const IDP_TABS = [
  { key: 'settings', title: 'Settings' },
  { key: 'domains', title: 'Known domains' },
  { key: 'metadata', title: 'Metadata' },
  { key: 'trace', title: 'SSO trace' },
  { key: 'delete', title: 'Delete' },
];

type PresentedIdp = ReturnType<IdpAdminService['presentIdp']>;

/** Display values for the IdP pages; templates stay free of logic. */
export function presentIdpPage(idp: PresentedIdp, tab: string, trace: TraceRow[], values: Record<string, unknown>) {
  if (!IDP_TABS.some((t) => t.key === tab)) throw new NotFoundException('There is no such page for this identity provider.');
  const s = idp.settings;
  return {
    title: `${idp.name}: ${IDP_TABS.find((t) => t.key === tab)!.title}`,
    section: 'sso',
    tab,
    tabs: IDP_TABS.map((t) => ({ ...t, current: t.key === tab, url: `/admin/sso/idps/${idp.uniqueId}/${t.key}` })),
    idp,
    testLoginUrl: `/plugins/servlet/no.kantega.saml/sp/${idp.uniqueId}/login?next=${encodeURIComponent(`/admin/sso/idps/${idp.uniqueId}/trace`)}`,
    values: {
      domains: idp.knownDomains.join('\n'),
      name: idp.name,
      entityId: idp.entityId,
      ssoUrl: idp.ssoUrl,
      sloUrl: idp.sloUrl ?? '',
      ...s,
      createUserGroups: s.createUserGroups.join(', '),
      extraAudiences: s.extraAudiences.join('\n'),
      groupMappings: s.groupMappings.map((m) => `${m.claim} = ${m.group}`).join('\n'),
      enabled: idp.enabled,
      ...values,
    },
    signingChoices: ['assertion', 'response', 'either', 'both'].map((v) => ({ value: v, selected: s.signing === v })),
    matchChoices: [
      { value: 'username-or-email', label: 'Username or email' },
      { value: 'username', label: 'Username' },
      { value: 'email', label: 'Email' },
    ].map((c) => ({ ...c, selected: s.matchAgainst === c.value })),
    trace: trace.map((t) => ({
      ...t,
      at: new Date(t.at).toISOString().replace('T', ' ').slice(0, 19) + ' UTC',
      failed: t.outcome === 'failure',
      attributeList: Object.entries(t.attributes ?? {}).map(([name, v]) => ({
        name,
        value: Array.isArray(v) ? v.join(', ') : String(v),
      })),
    })),
  };
}
