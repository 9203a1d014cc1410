/**
 * Room and display names: the part of the wire contract the widget's pre-join script needs (it ships in the core
 * chunk; the rest of the protocol comes with the call). Re-exported by `limits.ts`.
 */

/** A room (and support queue) name. */
export const ROOM_NAME = /^[A-Za-z0-9_-]{1,64}$/;

/** Longest display name, counted with {@link nameLength}. */
export const MAX_NAME = 64;

/**
 * The one rule for how long a name (or any text the server limits in characters) is: code points, so an emoji is
 * one character wherever it is counted — the server's checks, the widget's parsers and its name field alike.
 */
export function nameLength(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

/** `text` cut to at most `max` characters (code points: a pair of surrogates is never split). */
export function clip(text: string, max: number): string {
  return nameLength(text) <= max ? text : [...text].slice(0, max).join('');
}
