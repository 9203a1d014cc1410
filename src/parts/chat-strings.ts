/**
 * Strings of the file sharing in the chat. They live in the call chunk, beside the code that uses them, so the
 * pre-join bundle stays small; other languages fill the same table and fall back to English key by key.
 */
const en = {
  attach: 'Share a file',
  attachShort: 'File',
  dropHere: 'Drop files here to share them with everyone',
  cancel: 'Cancel',
  download: 'Download',
  sent: 'Sent — open',
  sending: 'Sending',
  receiving: 'Receiving',
  done: 'Done',
  failed: 'The transfer failed.',
  cancelled: 'The transfer was cancelled.',
};

export type FileStrings = typeof en;

const tables: Record<string, Partial<FileStrings>> = { en };

export function fileStrings(lang: string): FileStrings {
  const tag = lang.toLowerCase();
  return { ...en, ...(tables[tag] ?? tables[tag.split('-')[0]!]) };
}
