/**
 * The files chunk's entry: file sharing over the call's data connections, loaded when a file is first picked or
 * offered in a call (most calls never share one).
 */
import type { WidgetHost } from '../core/host.js';
import type { FileTransfer } from '../core/types.js';
import { fileCard, type CardStrings } from './card.js';
import { FileController } from './file-controller.js';
import { fileStyles } from './files.styles.js';
import { fileProblemStrings, fileStringsReady, loadFileStrings } from './strings.js';

export type { FileLink } from './file-controller.js';

/**
 * A file's card in the chat log, for one element: the call's words (`you`, `cancel`, `download`, as the call view
 * has them) with file sharing's own, in the element's language under the host page's `strings`.
 */
export const fileCardFor = (host: WidgetHost) => (file: FileTransfer, ft: Pick<CardStrings, 'you' | 'cancel' | 'download'>, cancel: (f: FileTransfer) => void) =>
  fileCard(file, { ...ft, ...fileProblemStrings(host.language, host.strings) }, cancel);

/**
 * File sharing for one element; `onComplete` hears of every file received and verified, or delivered. Offers are
 * declined while its chat is off. Its strings are in the element's language (that table loads with the chunk, and
 * again when the language changes) under the host page's `strings`. Its cards' styles join the element's shadow root.
 */
export function createFileShare(host: WidgetHost, onComplete: (file: FileTransfer) => void): FileController {
  const root = host.element.renderRoot;
  const sheet = fileStyles.styleSheet;
  if (root instanceof ShadowRoot && sheet && !root.adoptedStyleSheets.includes(sheet)) root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
  return new FileController(host, onComplete, {
    now: () => fileProblemStrings(host.language, host.strings),
    load: () => loadFileStrings(host.language),
    ready: () => fileStringsReady(host.language),
  }, () => host.chat !== 'off');
}
