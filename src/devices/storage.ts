/**
 * What the devices remember on this site between visits, in localStorage: the chosen devices and the name typed on
 * the pre-join screen. Storage is the page's, so anything may be in it: what is read back is validated.
 */
import type { DeviceChoice } from '../core/media-controller.js';
import { MAX_NAME, clip } from '../protocol/limits.js';

/** The kinds of device a person chooses, as keys of a `DeviceChoice`. */
export const KINDS = ['audioInput', 'videoInput', 'audioOutput'] as const;
export type DeviceKind = (typeof KINDS)[number];

/** Where the choices are kept between visits. */
const DEVICES_KEY = 'vcw-devices';

/** Where the name typed on the pre-join screen is kept. */
const NAME_KEY = 'vcw-name';

const isKind = (key: string): key is DeviceKind => KINDS.some((kind) => kind === key);

/** localStorage, or nothing where the page may not use it. */
function store(key: string, value?: string): string | null {
  try {
    if (value === undefined) return localStorage.getItem(key);
    localStorage.setItem(key, value);
  } catch {
    // Storage blocked: choices last for this visit.
  }
  return null;
}

/** The choices of an earlier visit: known kinds with a plausible deviceId, nothing else. */
export function rememberedChoices(): DeviceChoice {
  try {
    const saved: unknown = JSON.parse(store(DEVICES_KEY) ?? '{}');
    if (typeof saved !== 'object' || saved === null) return {};
    return Object.fromEntries(Object.entries(saved).filter(([k, v]) => isKind(k) && typeof v === 'string' && v.length < 256));
  } catch {
    return {};
  }
}

/** Keep the choices for the next visit. */
export function rememberChoices(choice: DeviceChoice): void {
  store(DEVICES_KEY, JSON.stringify(choice));
}

/** The name of the last visit ('' when none), at most MAX_NAME characters. */
export function rememberedName(): string {
  return clip(store(NAME_KEY) ?? '', MAX_NAME);
}

/** Keep the name for the next visit. */
export function rememberName(name: string): void {
  store(NAME_KEY, name);
}
