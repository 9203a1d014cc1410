// A page with nothing but the two-line embed, in an iframe, with counters for what it asks of the browser:
// getUserMedia and enumerateDevices calls and WebSockets opened; and what it loaded (its widget JavaScript, gzip -9
// as the build's budget test counts it, and its requests). Used by the guest tests and the guest bench.
import { executeServerCommand } from '@web/test-runner-commands';
import type { VideoCallWidget } from '../src/index.js';
import type { TestServer } from './helpers.js';

export interface EmbedCounts {
  getUserMedia: number;
  enumerateDevices: number;
  sockets: number;
}

export interface EmbedProbe {
  frame: HTMLIFrameElement;
  /** The widget of the page (null until its document is parsed). */
  widget(): VideoCallWidget | null;
  counts(): EmbedCounts;
  /** URL paths of the widget files the page loaded (`/video-call-widget.js`, `/chunks/…`). */
  scripts(): string[];
  /** Every request the page made (scripts, the room API). */
  requests(): number;
  /** Milliseconds since the page started. */
  now(): number;
  /** gzip -9 bytes of the widget JavaScript the page loaded so far. */
  jsBytes(): Promise<number>;
}

type ProbeWindow = Window & typeof globalThis & { __vcw: EmbedCounts };

/** Open the two-line embed of `room` (as `name`) in a fresh iframe; resolves once its document is loaded. */
export async function openEmbed(server: TestServer, room: string, name: string): Promise<EmbedProbe> {
  const frame = document.createElement('iframe');
  frame.allow = 'camera; microphone; autoplay';
  frame.style.width = '640px';
  frame.style.height = '420px';
  // The counters go in before the embed: they wrap what the widget would call.
  frame.srcdoc = `<!doctype html><script>
    window.__vcw = { getUserMedia: 0, enumerateDevices: 0, sockets: 0 };
    const d = navigator.mediaDevices, gum = d.getUserMedia.bind(d), list = d.enumerateDevices.bind(d);
    d.getUserMedia = (c) => (__vcw.getUserMedia++, gum(c));
    d.enumerateDevices = () => (__vcw.enumerateDevices++, list());
    const Native = WebSocket;
    window.WebSocket = class extends Native { constructor(...a) { super(...a); __vcw.sockets++; } };
  </script>
  <script type="module" src="${server.url}/video-call-widget.js"></script>
  <video-call-widget room="${room}" display-name="${name}" style="display:block;height:400px"></video-call-widget>`;
  const loaded = new Promise((resolve) => frame.addEventListener('load', resolve, { once: true }));
  document.body.append(frame);
  await loaded;
  const win = () => frame.contentWindow as ProbeWindow;
  const entries = () => win().performance.getEntriesByType('resource');
  const scripts = () => entries().map((e) => new URL(e.name)).filter((u) => u.origin === server.url && u.pathname.endsWith('.js')).map((u) => u.pathname);
  return {
    frame,
    widget: () => win().document.querySelector('video-call-widget'),
    counts: () => ({ ...win().__vcw }),
    scripts,
    requests: () => entries().length,
    now: () => win().performance.now(),
    async jsBytes() {
      const sizes = await executeServerCommand<Record<string, number>, { paths: string[] }>('vcw-dist-gzip', { paths: scripts() });
      return Object.values(sizes ?? {}).reduce((a, b) => a + b, 0);
    },
  };
}
