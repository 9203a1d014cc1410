/**
 * Strings of the devices part (pickers, level meter, device notices), in its chunk beside the code that uses them.
 * Every language's table (`src/i18n/*.ts`) carries them too; the element's merged table arrives as `t`.
 */
const en = {
  camera: 'Camera',
  microphone: 'Microphone',
  speaker: 'Speaker',
  micLevel: 'Microphone level',
  deviceLost: 'A device was disconnected; another one is used now.',
};

export type DevicesStrings = typeof en;

/** The devices strings out of the element's merged table, English where it has none. */
export function devicesStrings(t: object): DevicesStrings {
  return { ...en, ...t };
}
