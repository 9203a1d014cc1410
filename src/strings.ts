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

const tables: Record<string, Partial<Strings>> = { en };

/** The table for a BCP 47 language tag ("de-AT" falls back to "de", then English). */
export function stringsFor(lang: string): Strings {
  const base = lang.toLowerCase().split('-')[0] ?? 'en';
  return { ...en, ...(tables[lang.toLowerCase()] ?? tables[base]) };
}
