/**
 * What file sharing says on a file's card and when a file cannot go or arrive, in the files chunk beside the code that
 * says it. Other languages put the same keys in their own small chunk (`src/files/i18n/files-*.ts`), loaded with the
 * files chunk or when the element's language changes; a host page overrides any of them through the element's
 * `strings` property, like every other string. Read through `Catalog`, the widget's one way to localise a table.
 */
import { Catalog, type StringOverrides } from '../core/strings.js';

const en = {
  /** A file's card: the link to a file we sent, a transfer under way (before the file's name), or how it ended. */
  sent: 'Sent — open',
  sending: 'Sending',
  receiving: 'Receiving',
  done: 'Done',
  failed: 'The transfer failed.',
  cancelled: 'The transfer was cancelled.',
  fileCallEnded: 'The call ended before the file was transferred.',
  fileNotOffered: 'The file could not be offered to anyone.',
  fileNotChecked: 'The file could not be checked.',
  /** `{name}` is replaced (the sender). */
  fileCancelledBy: '{name} cancelled the file.',
  /** `{name}` is replaced (the sender). */
  fileSenderLeft: '{name} left before the file arrived.',
  fileDamaged: 'The file arrived damaged (size or checksum differs), so it was discarded.',
  filePartial: 'Some participants did not receive the file.',
  fileNobody: 'Nobody received the file.',
  fileNotInCall: 'Join the call before sharing files.',
  /** `{file}` is replaced. */
  fileEmpty: '"{file}" is empty.',
  /** `{file}` and `{max}` (MB) are replaced. */
  fileTooLarge: '"{file}" is too large to share: files can be at most {max} MB.',
  fileAlone: 'Nobody else is in the call to receive the file yet.',
  fileEndedBeforeShare: 'The call ended before the file could be shared.',
};

export type FileProblemStrings = typeof en;

// English is built in; every other language is its own small chunk, loaded when it is asked for.
const catalog = new Catalog<FileProblemStrings>(en, {
  de: () => import('./i18n/files-de.js'),
  es: () => import('./i18n/files-es.js'),
  fr: () => import('./i18n/files-fr.js'),
  ja: () => import('./i18n/files-ja.js'),
});

/** Each language's load, by base language ("de-AT" → "de"), as `Catalog` keys its tables. */
const loads = new Map<string, Promise<unknown>>();
const base = (lang: string) => lang.toLowerCase().split('-')[0]!;

/** Starts loading the table of `lang` if it is a shipped language not asked for yet: that load, else undefined. */
export function loadFileStrings(lang: string): Promise<unknown> | undefined {
  const started = catalog.load(lang);
  if (started) loads.set(base(lang), started);
  return started;
}

/** Resolves once the table of `lang` is there (undefined when it was never asked for). */
export const fileStringsReady = (lang: string): Promise<unknown> | undefined => loads.get(base(lang));

const isKey = (key: string): key is keyof FileProblemStrings => Object.hasOwn(en, key);

/**
 * The file-sharing strings in `lang` ("de-AT" → German, English where missing or not loaded yet), then the host
 * page's overrides of these keys (`own`, the element's `strings`).
 */
export function fileProblemStrings(lang: string, own: StringOverrides | undefined): FileProblemStrings {
  const mine: Partial<FileProblemStrings> = {};
  for (const [key, value] of Object.entries(own ?? {})) if (isKey(key) && typeof value === 'string') mine[key] = value;
  return catalog.get(lang, mine);
}
