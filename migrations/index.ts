import { InitialSchema1764460800000 } from './1764460800000-initial-schema.js';
import { SsoAndAddons1764547200000 } from './1764547200000-sso-and-addons.js';
import { Wiki1764633600000 } from './1764633600000-wiki.js';
import { SearchIndexes1764720000000 } from './1764720000000-search-indexes.js';
import { AttachmentStorage1764806400000 } from './1764806400000-attachment-storage.js';
import { UnreadNotifications1764892800000 } from './1764892800000-unread-notifications.js';
import { RateCounters1764979200000 } from './1764979200000-rate-counters.js';

// Listed explicitly so that the compiled app and the TypeScript tests load the same classes.
export const MIGRATIONS = [
  InitialSchema1764460800000,
  SsoAndAddons1764547200000,
  Wiki1764633600000,
  SearchIndexes1764720000000,
  AttachmentStorage1764806400000,
  UnreadNotifications1764892800000,
  RateCounters1764979200000,
];
