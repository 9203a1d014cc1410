/**
 * Strings used only in a call or loaded after the pre-join screen (file sharing, announcements for screen readers,
 * devices, quality, recording). They live in the call chunk,
 * beside the code that uses them, so the pre-join bundle stays small. Other languages put the same keys in
 * their table (`src/i18n/*.ts`); the element's merged table (language, then the host's `strings`) arrives as `t`.
 */
const en = {
  leave: 'Leave',
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
  reconnecting: 'Reconnecting…',
  serverReconnecting: 'Reconnecting to the server… your call continues.',
  enableSound: 'Click to turn on sound',
  callControls: 'Call controls',
  participants: 'Participants',
  chatLog: 'Chat messages',

  attach: 'Share a file',
  attachShort: 'File',
  dropHere: 'Drop files here to share them with everyone',
  cancel: 'Cancel',
  download: 'Download',
  /** `{name}` is replaced. */
  announceJoin: '{name} joined the call',
  announceLeave: '{name} left the call',
  /** `{name}` and `{text}` are replaced. */
  announceMessage: 'Message from {name}: {text}',
  someone: 'Someone',
  /** A participant the server vouches for as the call's host (a host token, or the support agent). */
  host: 'Host',
  /** History a member passed on from someone else: nobody can check who wrote it. `{name}` is the member. */
  relayedBy: 'relayed by {name}, not verified',
  devices: 'Devices',
  mutedHint: 'You are muted. Unmute to be heard.',
  /** Connection quality of a tile: `{quality}` is good, fair or poor. */
  connection: 'Connection: {quality}',
  good: 'good',
  fair: 'fair',
  poor: 'poor',
  relayed: 'relayed',
  record: 'Record',
  recording: 'Recording',
  /** `{name}` is replaced. */
  recordingBy: '{name} is recording this call',
  fullscreen: 'Full screen',
  pip: 'Picture in picture',
  more: 'More',
};

export type FileStrings = typeof en;

/** The call-only strings out of the element's merged table, English where it has none. */
export function fileStrings(t: object): FileStrings {
  return { ...en, ...t };
}

export { fill } from '../core/strings.js';
