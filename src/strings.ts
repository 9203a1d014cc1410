/**
 * Every visible and aria string of the widget. Other languages fill the same table; missing keys fall back
 * to English.
 */
import type { ErrorCode } from './types.js';

const en = {
  noRoom: 'No room is set for this call.',
  yourName: 'Your name',
  namePlaceholder: 'Type your name',
  join: 'Join call',
  joining: 'Joining…',
  rejoin: 'Join again',
  leave: 'Leave',
  left: 'You left the call.',
  mute: 'Mute',
  stopVideo: 'Stop video',
  present: 'Present',
  chat: 'Chat',
  chatClose: 'Close chat',
  unread: 'unread',

  send: 'Send',
  messagePlaceholder: 'Message everyone',
  you: 'You',
  muted: 'Microphone off',
  cameraOff: 'Camera off',
  presenting: 'Presenting',
  connecting: 'Connecting…',
  reconnecting: 'Reconnecting…',
  serverReconnecting: 'Reconnecting to the server… your call continues.',
  noCameraPreview: 'Camera is off',
  retry: 'Try again',
  joinWithout: 'Join without camera and microphone',
  enableSound: 'Click to turn on sound',
  callControls: 'Call controls',
  participants: 'Participants',
  chatLog: 'Chat messages',
  errors: {
    'permission-denied': 'Your browser blocked the camera or microphone. Allow access in the address bar, or join without them.',
    'no-device': 'No camera or microphone was found. You can still join to see, hear and chat.',
    'device-in-use': 'Your camera or microphone is used by another app. Close it and try again, or join without it.',
    'server-unreachable': 'The call server cannot be reached. Check your connection and try again.',
    'invalid-room': 'This room name is not valid. Use 1–64 letters, digits, “-” or “_”.',
    forbidden: 'You are not allowed to join this room. Ask the organiser for a new link.',
    'room-full': 'This room is full. Try again when someone leaves.',
    'connection-lost': 'The connection was lost. Try joining again.',
    'unsupported-browser': 'This browser cannot make video calls. Use a current Chrome, Edge, Firefox or Safari.',
  } satisfies Record<ErrorCode, string>,
};

export type Strings = typeof en;

/** A host page's own wording: any key of any table (call and file-sharing keys too), merged over the language's. */
export type StringOverrides = Partial<Omit<Strings, 'errors'>> & { errors?: Partial<Strings['errors']> } & Record<string, unknown>;

type Table = Partial<Strings> & Record<string, unknown>;

// English is built in; every other language is its own chunk, loaded when it is asked for.
const loaders: Record<string, () => Promise<{ default: Table }>> = {
  de: () => import('./i18n/de.js'),
  es: () => import('./i18n/es.js'),
  fr: () => import('./i18n/fr.js'),
  ja: () => import('./i18n/ja.js'),
};
const tables: Record<string, Table> = { en };

/** "de-AT" → "de". */
const base = (lang: string) => lang.toLowerCase().split('-')[0]!;

/** Loads the table of `lang` once; a promise while a shipped language is not loaded yet, else undefined. */
export function loadStrings(lang: string): Promise<unknown> | undefined {
  const b = base(lang);
  if (tables[b] || !loaders[b]) return;
  tables[b] = {};
  return loaders[b]().then((m) => (tables[b] = m.default), () => undefined);
}

/** The table for a BCP 47 language tag ("de-AT" falls back to "de", then English), with the host's overrides. */
export function stringsFor(lang: string, own: StringOverrides = {}): Strings {
  const table = tables[base(lang)] ?? {};
  return { ...en, ...table, ...own, errors: { ...en.errors, ...table.errors, ...own.errors } } as Strings;
}
