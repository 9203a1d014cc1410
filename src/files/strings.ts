/**
 * What file sharing tells a person when a file cannot go or arrive, in the files chunk beside the code that says it.
 * Every language's table (`src/i18n/*.ts`) carries these keys too; the element's merged table arrives as `t`.
 */
const en = {
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

/** The file-sharing strings out of the element's merged table, English where it has none. */
export function fileProblemStrings(t: object): FileProblemStrings {
  return { ...en, ...t };
}
