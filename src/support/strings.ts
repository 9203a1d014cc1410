/**
 * Strings of the support flow (launcher, waiting room, agent desk), in the support chunk beside the code that uses
 * them. Other languages put the same keys in their table (`src/support/i18n/*.ts`); a host page overrides any of them
 * through the element's `strings` property, like every other string. Read through `Catalog`, the widget's one
 * string loader.
 */
import { Catalog, type StringOverrides } from '../core/strings.js';

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
const catalog = new Catalog<SupportStrings>(en, {
  de: () => import('./i18n/support-de.js'),
  es: () => import('./i18n/support-es.js'),
  fr: () => import('./i18n/support-fr.js'),
  ja: () => import('./i18n/support-ja.js'),
});

const isKey = (key: string): key is keyof SupportStrings => Object.hasOwn(en, key);

/**
 * The support strings in `lang` ("de-AT" → German, English where missing), then the host page's overrides of these
 * keys (`own`, the element's `strings`). A shipped language that is not loaded yet starts loading; `loaded` is called
 * once it is there.
 */
export function supportStrings(lang: string, own: StringOverrides | undefined, loaded: () => void): SupportStrings {
  void catalog.load(lang)?.then(loaded);
  const mine: Partial<SupportStrings> = {};
  for (const [key, value] of Object.entries(own ?? {})) if (isKey(key) && typeof value === 'string') mine[key] = value;
  return catalog.get(lang, mine);
}
