import { html } from 'lit';
import type { VideoCallWidget } from '../video-call-widget.js';
import { fill, type FileStrings } from './chat-strings.js';

/** What the live region of one widget says, and what it needs to know when an event comes. */
interface Region {
  text: string;
  t: FileStrings;
  chatOpen: boolean;
}
const regions = new WeakMap<VideoCallWidget, Region>();

/**
 * A visually hidden polite live region that announces joins, leaves and other people's messages (while the chat
 * panel is closed: the open panel's log announces them itself). Listens to the element's own events, once.
 */
export function liveRegion(el: VideoCallWidget, t: FileStrings, chatOpen: boolean) {
  let r = regions.get(el);
  if (!r) {
    const region: Region = (r = { text: '', t, chatOpen });
    regions.set(el, region);
    const say = (text: string) => {
      region.text = text;
      el.requestUpdate();
    };
    const who = (name: string) => name.trim() || region.t.someone;
    el.addEventListener('vcw-participant-join', (e) => say(fill(region.t.announceJoin, { name: who(e.detail.participant.name) })));
    el.addEventListener('vcw-participant-leave', (e) => say(fill(region.t.announceLeave, { name: who(e.detail.participant.name) })));
    el.addEventListener('vcw-message', (e) => {
      const m = e.detail.message;
      if (!m.self && !region.chatOpen) say(fill(region.t.announceMessage, { name: who(m.name), text: m.text }));
    });
  }
  r.t = t;
  r.chatOpen = chatOpen;
  return html`<div part="live" class="sr-only" role="status" aria-live="polite" aria-atomic="true">${r.text}</div>`;
}
