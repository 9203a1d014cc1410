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
  left: 'You left the call.',
  mute: 'Mute',
  stopVideo: 'Stop video',

  connecting: 'Connecting…',
  noCameraPreview: 'Camera is off',
  retry: 'Try again',
  joinWithout: 'Join without camera and microphone',
  checkDevices: 'Check camera and microphone',
  whyDevices: 'Your browser will ask for camera and microphone so others can see and hear you.',
  roomEmpty: 'Nobody is here yet.',
  roomHere: 'Here now: {names}',
  errors: {
    'permission-denied': 'Your browser blocked the camera or microphone.',
    'no-device': 'No camera or microphone was found.',
    'device-in-use': 'Your camera or microphone is used by another app. Close it and try again.',
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

/**
 * One way to localise every string table of the widget: English built in, each other language a lazily loaded
 * chunk, the host page's `strings` over both. The element's table is one catalog; the support flow has its own.
 */
export class Catalog<T extends object> {
  readonly #tables: Record<string, Partial<T>>;
  readonly #en: T;
  readonly #loaders: Record<string, () => Promise<{ default: Partial<T> }>>;

  constructor(en: T, loaders: Record<string, () => Promise<{ default: Partial<T> }>>) {
    this.#loaders = loaders;
    this.#en = en;
    this.#tables = { en };
  }

  /** Loads the table of `lang` once; a promise while a shipped language is not loaded yet, else undefined. */
  load(lang: string): Promise<unknown> | undefined {
    const b = baseLanguage(lang);
    const loader = this.#loaders[b];
    if (this.#tables[b] || !loader) return;
    this.#tables[b] = {};
    return loader().then((m) => (this.#tables[b] = m.default), () => undefined);
  }

  /** The table for a BCP 47 language tag ("de-AT" falls back to "de", then English), with the host's overrides. */
  get(lang: string, own: Partial<T> = {}): T {
    return { ...this.#en, ...this.#tables[baseLanguage(lang)], ...own };
  }
}

/** "de-AT" → "de". */
const baseLanguage = (lang: string) => lang.toLowerCase().split('-')[0]!;

// English is built in; every other language is its own chunk, loaded when it is asked for.
const catalog = new Catalog<Strings>(en, {
  de: () => import('../i18n/de.js'),
  es: () => import('../i18n/es.js'),
  fr: () => import('../i18n/fr.js'),
  ja: () => import('../i18n/ja.js'),
});

/** Loads the element's table for `lang` (see {@link Catalog.load}). */
export const loadStrings = (lang: string) => catalog.load(lang);

/** The element's table for `lang` with the host's overrides; error messages merged key by key. */
export function stringsFor(lang: string, own: StringOverrides = {}): Strings {
  const table = catalog.get(lang);
  return { ...table, ...own, errors: { ...table.errors, ...own.errors } };
}

/** `'{name} left'` with `{ name: 'Ada' }` → `'Ada left'`. */
export const fill = (text: string, values: Record<string, string>) => text.replace(/\{(\w+)\}/g, (m, k: string) => values[k] ?? m);
