import type { PageEventKind } from '../../pages/page-events.service.js';

const VERBS: Record<PageEventKind, string> = {
  created: 'created',
  updated: 'edited',
  commented: 'commented on',
  trashed: 'moved to the trash',
  moved: 'moved',
  restored: 'restored from the trash',
};

/** "Jane Doe edited" — the start of every notification line and email subject. */
export function notificationVerb(kind: string): string {
  return VERBS[kind as PageEventKind] ?? 'changed';
}

export function notificationSubject(actorName: string | null, kind: string, title: string): string {
  return `${actorName ?? 'Someone'} ${notificationVerb(kind)} "${title}"`;
}

/** The count in the header: nothing at zero, and "99+" past the query's cap. */
export function unreadBadge(count: number): string | null {
  if (count <= 0) return null;
  return count > 99 ? '99+' : String(count);
}
