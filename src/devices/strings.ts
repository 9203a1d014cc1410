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
  allowChromium: 'To allow them again: click the icon at the left of the address bar, turn on Camera and Microphone, then Try again.',
  allowFirefox: 'To allow them again: click the crossed-out camera at the left of the address bar, remove the blocks, then Try again.',
  allowSafari: 'To allow them again: open Safari › Settings for This Website, set Camera and Microphone to Allow, then Try again.',
};

export type DevicesStrings = typeof en;

/** The devices strings out of the element's merged table, English where it has none. */
export function devicesStrings(t: object): DevicesStrings {
  return { ...en, ...t };
}
