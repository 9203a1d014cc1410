/**
 * Strings of the support flow (launcher, waiting room, agent desk), in the support chunk beside the code that uses
 * them. Other languages put the same keys in their table (`src/support/i18n/*.ts`); a host page overrides any of them
 * through the element's `strings` property, like every other string.
 */
const en = {
  launcher: 'Talk to us on video',
  launcherOffline: 'We are offline',
  closePanel: 'Close',
  callUs: 'Call us',
  waitingTitle: 'Thanks for calling. An agent will be with you shortly.',
  /** `{position}` is replaced. */
  queuePosition: 'You are number {position} in the queue.',
  queueNext: 'You are next.',
  cancelWaiting: 'Cancel call',
  declined: 'Sorry, we cannot take your call right now.',
  timedOut: 'Sorry, nobody could answer in time.',
  offline: 'We are not available for video calls right now.',
  /** `{hours}` is replaced with the `hours` attribute, `{zone}` with the time zone. */
  openingHours: 'Our hours: {hours} ({zone})',
  fallback: 'Leave us a message',
  callEnded: 'The call has ended. Thank you!',
  removedFromCall: 'The agent ended the call.',
  callAgain: 'Call again',
  deskTitle: 'Waiting visitors',
  deskEmpty: 'Nobody is waiting.',
  deskOffline: 'Reconnecting the desk to the server…',
  admit: 'Admit',
  decline: 'Decline',
  declineMessage: 'Message if you decline (optional)',
  /** `{time}` is replaced (e.g. 2:05). */
  waitingFor: 'waiting {time}',
  cameraPreview: 'Camera preview of {name}',
  noPreview: 'No camera',
  /** `{name}` is replaced. */
  inCallWith: 'In a call with {name}',
  removeVisitor: 'Remove {name} from the call',
  busy: 'Finish the current call before admitting the next visitor.',
  gone: 'This visitor is no longer waiting.',
  deskRoomFull: 'No call room could be created right now. Try again in a moment.',
  deskNotInCall: 'This person is not in a call from this queue.',
  deskTimeout: 'The call server did not answer in time. Try again.',
  deskOnly: 'Only the agent desk (mode="desk") can do this.',
};

export type SupportStrings = typeof en;

// English is built in; every other language is its own small chunk, loaded when it is asked for.
const loaders: Record<string, () => Promise<{ default: SupportStrings }>> = {
  de: () => import('./i18n/support-de.js'),
  es: () => import('./i18n/support-es.js'),
  fr: () => import('./i18n/support-fr.js'),
  ja: () => import('./i18n/support-ja.js'),
};
const tables: Record<string, Partial<SupportStrings>> = { en };
const base = (lang: string) => lang.toLowerCase().split('-')[0]!;

/** Loads the support table of `lang` once; a promise while a shipped language is not loaded yet, else undefined. */
export function loadSupportStrings(lang: string): Promise<unknown> | undefined {
  const b = base(lang);
  if (tables[b] || !loaders[b]) return;
  tables[b] = {};
  return loaders[b]().then((m) => (tables[b] = m.default), () => undefined);
}

/** The support strings in `lang` ("de-AT" → German), English where missing, then the host's overrides (`own`). */
export function supportStrings(lang: string, own: object): SupportStrings {
  return { ...en, ...tables[base(lang)], ...(own as Partial<SupportStrings>) };
}

/** `'{name} left'` with `{ name: 'Ada' }` → `'Ada left'`. */
export const fill = (text: string, values: Record<string, string>) => text.replace(/\{(\w+)\}/g, (m, k: string) => values[k] ?? m);
