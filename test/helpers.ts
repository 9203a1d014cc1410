// Shared fixtures for the browser tests: real servers, real widgets, conditions waited for with deadlines.
import { executeServerCommand } from '@web/test-runner-commands';
import type { VideoCallWidget } from '../src/index.js';
import type { Participant } from '../src/index.js';

export interface TestServer {
  id: string;
  url: string;
  port: number;
  stateDir: string;
}

const started: TestServer[] = [];

export async function startServer(env: Record<string, string> = {}): Promise<TestServer> {
  const server = await executeServerCommand<TestServer, { env: Record<string, string> }>('vcw-server-start', { env });
  if (!server) throw new Error('the server plugin did not start a server');
  started.push(server);
  return server;
}

export async function stopServer(server: TestServer): Promise<void> {
  await executeServerCommand('vcw-server-stop', { id: server.id });
}

export async function stopAllServers(): Promise<void> {
  await Promise.all(started.splice(0).map(stopServer));
}

/** Load the widget bundle the way an embedding page does: as a module from the server's origin. */
export async function loadWidget(server: TestServer): Promise<void> {
  if (!customElements.get('video-call-widget')) await import(/* @vite-ignore */ `${server.url}/video-call-widget.js`);
}

export async function waitFor<T>(condition: () => T | Promise<T>, what: string, timeoutMs = 15_000): Promise<NonNullable<T>> {
  const deadline = performance.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await condition();
      if (value) return value as NonNullable<T>;
    } catch (error) {
      last = error;
    }
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export function addWidget(server: TestServer, room: string, attrs: Record<string, string> = {}): VideoCallWidget {
  const el = document.createElement('video-call-widget');
  el.setAttribute('server', server.url);
  el.setAttribute('room', room);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  el.style.width = '640px';
  el.style.height = '400px';
  document.body.append(el);
  return el;
}

/** Leave with every widget (in parallel), take them out of the page and empty the list. */
export async function removeWidgets(widgets: VideoCallWidget[]): Promise<void> {
  await Promise.all(widgets.map((w) => w.leave()));
  for (const w of widgets.splice(0)) w.remove();
}

/** A second page (an iframe) with its own copy of the widget, joining at once, loaded the way an embedding page does. */
export function addFramedWidget(server: TestServer, room: string, name: string): HTMLIFrameElement {
  const frame = document.createElement('iframe');
  frame.allow = 'camera; microphone; autoplay';
  frame.srcdoc = `<!doctype html><script type="module" src="${server.url}/video-call-widget.js"></script>
    <video-call-widget server="${server.url}" room="${room}" display-name="${name}" auto-join></video-call-widget>`;
  document.body.append(frame);
  return frame;
}

export function uniqueRoom(prefix = 'room'): string {
  return `${prefix}-${Math.random().toString(36).slice(2, 10)}`;
}

export const remotes = (w: VideoCallWidget): Participant[] => w.participants.filter((p) => !p.self);
export const selfId = (w: VideoCallWidget): string => w.participants.find((p) => p.self)?.id ?? '';

export function tileOf(w: VideoCallWidget, id: string): HTMLElement | null {
  return w.shadowRoot!.querySelector<HTMLElement>(`.tile[data-peer-id="${id}"]`);
}

/** Resolves true once the video element presents `frames` new frames (the picture really moves). */
export async function framesAdvance(video: HTMLVideoElement, frames = 5, timeoutMs = 10_000): Promise<boolean> {
  return new Promise((resolve) => {
    let seen = 0;
    const timer = setTimeout(() => resolve(false), timeoutMs);
    const tick = () => {
      if (++seen >= frames) {
        clearTimeout(timer);
        resolve(true);
      } else video.requestVideoFrameCallback(tick);
    };
    video.requestVideoFrameCallback(tick);
  });
}

export function nextEvent<K extends keyof GlobalEventHandlersEventMap>(
  target: EventTarget, type: K, accept: (e: GlobalEventHandlersEventMap[K]) => boolean = () => true, timeoutMs = 15_000,
): Promise<GlobalEventHandlersEventMap[K]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      target.removeEventListener(type, listener);
      reject(new Error(`no ${type} within ${timeoutMs} ms`));
    }, timeoutMs);
    const listener = (e: Event) => {
      if (!accept(e as GlobalEventHandlersEventMap[K])) return;
      clearTimeout(timer);
      target.removeEventListener(type, listener);
      resolve(e as GlobalEventHandlersEventMap[K]);
    };
    target.addEventListener(type, listener);
  });
}

/** An HS256 room token (JWT) signed in the page with WebCrypto, as a site's backend would mint one. */
export async function mintRoomToken(secret: string, claims: Record<string, unknown>): Promise<string> {
  const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const b64 = (bytes: Uint8Array | string) =>
    btoa(typeof bytes === 'string' ? bytes : String.fromCharCode(...bytes)).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
  const data = `${b64(JSON.stringify({ alg: 'HS256', typ: 'JWT' }))}.${b64(JSON.stringify(claims))}`;
  return `${data}.${b64(new Uint8Array(await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(data))))}`;
}
