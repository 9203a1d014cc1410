/**
 * The files chunk's entry: file sharing over the call's data connections, loaded when a file is first picked or
 * offered in a call (most calls never share one).
 */
import type { WidgetHost } from '../core/host.js';
import type { FileTransfer } from '../core/types.js';
import { FileController } from './file-controller.js';
import { fileProblemStrings } from './strings.js';

export type { FileLink } from './file-controller.js';
export { fileCard } from './card.js';

/** File sharing for one element; `onComplete` hears of every file received and verified, or delivered. Offers are declined while its chat is off. */
export const createFileShare = (host: WidgetHost, onComplete: (file: FileTransfer) => void) =>
  new FileController(host, onComplete, () => fileProblemStrings(host.t), () => host.chat !== 'off');
