// A guest on any page: with the default preview="click" an untouched widget asks for nothing (no getUserMedia, no
// enumerateDevices, no call chunk, no WebSocket) and shows the room and who is in it; a click on "Check camera and
// microphone" or Join asks; receive-only never touches the devices; a browser without RTCPeerConnection is told so.
import type { VideoCallWidget } from '../src/index.js';
import { assert, equal } from './assert.js';
import { addWidget, loadWidget, remotes, removeWidgets, startServer, stopAllServers, uniqueRoom, waitFor, type TestServer } from './helpers.js';

// Other test files run beside this one in the same browser and origin, and one that picks a device leaves it
// remembered in localStorage (host-contract, features): a widget here would then switch to it exactly, a second
// getUserMedia this file counts as a prompt. This page's widgets see no earlier visit's devices.
const nativeGetItem = Storage.prototype.getItem;
Storage.prototype.getItem = function (this: Storage, key: string) {
  return key === 'vcw-devices' ? null : nativeGetItem.call(this, key);
};
const calls = { getUserMedia: 0, enumerateDevices: 0 };
const devices = navigator.mediaDevices;
const nativeGum = devices.getUserMedia.bind(devices);
const nativeEnum = devices.enumerateDevices.bind(devices);
devices.getUserMedia = (c) => (calls.getUserMedia++, nativeGum(c));
devices.enumerateDevices = () => (calls.enumerateDevices++, nativeEnum());
const sockets: string[] = [];
const NativeWebSocket = window.WebSocket;
window.WebSocket = class extends NativeWebSocket {
  constructor(url: string | URL, protocols?: string | string[]) {
    super(url, protocols);
    sockets.push(String(url));
  }
};

const root = (w: VideoCallWidget) => w.shadowRoot!;
const button = (w: VideoCallWidget, text: RegExp) => [...root(w).querySelectorAll('button')].find((b) => text.test(b.textContent ?? ''));
const chunks = (name: string) => performance.getEntriesByType('resource').filter((e) => new RegExp(`/chunks/${name}-`).test(e.name)).length;
/** A live track of this page's widgets (a camera light that is on). */
const live = (w: VideoCallWidget) => [w.media.audioTrack, w.media.videoTrack].some((t) => t?.readyState === 'live');

describe('a guest: permissions only after a click', function () {
  let server: TestServer;
  const widgets: VideoCallWidget[] = [];
  before(async () => {
    server = await startServer();
    await loadWidget(server);
  });
  afterEach(async () => {
    await removeWidgets(widgets);
    calls.getUserMedia = calls.enumerateDevices = 0;
  });
  after(stopAllServers);

  it('an untouched widget shows the room and who is in it, asks for no device and loads no call chunk', async () => {
    const room = uniqueRoom();
    const host = addWidget(server, room, { 'display-name': 'Host', audio: 'off', video: 'off', 'auto-join': '' });
    widgets.push(host);
    await waitFor(() => host.state === 'joined', 'the host joined');
    equal(calls.getUserMedia + calls.enumerateDevices, 0, 'receive-only joined without touching a device');
    const socketsBefore = sockets.length;
    const w = addWidget(server, room, { 'display-name': 'Dana' });
    widgets.push(w);
    const line = await waitFor(() => root(w).querySelector('.prejoin h2 + p')?.textContent, 'the line saying who is here');
    equal(line, 'Here now: Host', 'who is in the room');
    equal(root(w).querySelector('.prejoin h2')?.textContent, room, 'the room name');
    assert(!root(w).querySelector('video'), 'no preview');
    assert(button(w, /^Check camera and microphone$/), 'a "Check camera and microphone" button');
    equal(w.state, 'prejoin', 'state');
    equal(calls.getUserMedia, 0, 'no getUserMedia before a click');
    equal(calls.enumerateDevices, 0, 'no enumerateDevices before a click');
    equal(sockets.length, socketsBefore, 'no WebSocket before a click');
    // Mute and camera toggles before any click only change what will be asked for.
    root(w).querySelectorAll<HTMLButtonElement>('.prejoin .toggle')[1]!.click();
    await waitFor(() => !w.media.camOn, 'the camera toggle is off');
    equal(calls.getUserMedia, 0, 'a toggle asks for nothing');
    root(w).querySelectorAll<HTMLButtonElement>('.prejoin .toggle')[1]!.click();
    await waitFor(() => w.media.camOn, 'the camera toggle is on again');
    equal(calls.getUserMedia, 0, 'a toggle asks for nothing');
  });

  it('"Check camera and microphone" starts the preview; Join then joins', async () => {
    const room = uniqueRoom();
    const w = addWidget(server, room, { 'display-name': 'Dana' });
    widgets.push(w);
    await waitFor(() => root(w).querySelector('.prejoin h2 + p')?.textContent === 'Nobody is here yet.', 'an empty room');
    equal(calls.getUserMedia, 0, 'nothing asked yet');
    button(w, /^Check camera and microphone$/)!.click();
    await waitFor(() => (root(w).querySelector<HTMLVideoElement>('.prejoin video')?.readyState ?? 0) >= 2, 'the preview plays');
    equal(calls.getUserMedia, 1, 'one getUserMedia after the click');
    await waitFor(() => calls.enumerateDevices > 0, 'the pickers list the devices');
    root(w).querySelector<HTMLButtonElement>('button[type=submit]')!.click();
    await waitFor(() => w.state === 'joined', 'joined');
    equal(calls.getUserMedia, 1, 'joining reuses the preview');
  });

  it('Join on the card asks for the devices once and joins; a pointer over the widget fetches the call chunk', async () => {
    const room = uniqueRoom();
    const w = addWidget(server, room, { 'display-name': 'Eli' });
    widgets.push(w);
    await waitFor(() => root(w).querySelector('.prejoin h2 + p'), 'the card');
    const before = chunks('call');
    w.dispatchEvent(new PointerEvent('pointerenter'));
    await waitFor(() => chunks('call') > before || w.call !== undefined || chunks('call') > 0, 'the call chunk fetched on intent');
    equal(calls.getUserMedia, 0, 'intent asks for no device');
    root(w).querySelector<HTMLButtonElement>('button[type=submit]')!.click();
    await waitFor(() => w.state === 'joined', 'joined');
    equal(calls.getUserMedia, 1, 'one getUserMedia');
    assert(live(w), 'camera and microphone in use in the call');
  });

  it('camera and microphone already allowed: the call is set up while they open; a prompt to come: only after the answer', async () => {
    const room = uniqueRoom();
    const host = addWidget(server, room, { 'display-name': 'Host', audio: 'off', video: 'off', 'auto-join': '' });
    widgets.push(host);
    await waitFor(() => host.state === 'joined', 'the host joined');
    // What the browser says of this site's permissions, and a getUserMedia that answers when the test lets it (a
    // person reading the prompt, or a camera that is slow to start).
    const permissions = navigator.permissions;
    const nativeQuery = permissions.query.bind(permissions);
    const wrappedGum = devices.getUserMedia;
    let state: PermissionState = 'granted';
    let answer: () => void = () => undefined;
    let answeredAt = 0;
    let asked = 0;
    permissions.query = async () => ({ state }) as PermissionStatus;
    devices.getUserMedia = async (c) => {
      asked++;
      await new Promise<void>((resolve) => (answer = resolve));
      answeredAt = performance.now();
      return wrappedGum(c);
    };
    try {
      const allowed = addWidget(server, room, { 'display-name': 'Allowed' });
      widgets.push(allowed);
      await waitFor(() => root(allowed).querySelector('.prejoin h2'), 'the card');
      void allowed.join();
      await waitFor(() => remotes(host).some((p) => p.name === 'Allowed'), 'the host hears from the guest while its camera is still opening');
      equal(allowed.state, 'joining', 'still joining: the devices have not answered');
      answer();
      await waitFor(() => allowed.state === 'joined', 'joined once the devices answered');
      await waitFor(() => live(allowed), 'the camera and microphone replace the stand-ins');

      state = 'prompt';
      const socketsBefore = sockets.length;
      const asking = addWidget(server, room, { 'display-name': 'Asked' });
      widgets.push(asking);
      await waitFor(() => root(asking).querySelector('.prejoin h2'), 'the card');
      const askedBefore = asked;
      void asking.join();
      await waitFor(() => asked > askedBefore, 'the browser asks');
      // The person reads the prompt for half a second, then allows.
      await new Promise((resolve) => setTimeout(resolve, 500));
      equal(sockets.length, socketsBefore, 'no signaling socket while the browser asks');
      answer();
      await waitFor(() => asking.state === 'joined', 'joined after the answer');
      const socketAt = performance.getEntriesByType('resource').filter((e) => /\/api\/rooms\/[^/]+\/join$/.test(e.name)).at(-1)!.startTime;
      assert(socketAt >= answeredAt, `the seat was asked for after the answer (${Math.round(socketAt)} ms, answer at ${Math.round(answeredAt)} ms)`);
    } finally {
      permissions.query = nativeQuery;
      devices.getUserMedia = wrappedGum;
    }
  });

  it('audio="off" video="off" joins and leaves without touching a device', async () => {
    const room = uniqueRoom();
    const a = addWidget(server, room, { 'display-name': 'Quiet', audio: 'off', video: 'off' });
    const b = addWidget(server, room, { 'display-name': 'Other', 'auto-join': '' });
    widgets.push(a, b);
    await waitFor(() => b.state === 'joined', 'B joined');
    const asked = calls.getUserMedia;
    assert(!button(a, /^Check camera and microphone$/), 'nothing to check with both off');
    await a.join();
    await waitFor(() => remotes(a)[0]?.connection === 'connected', 'connected');
    await a.leave();
    equal(calls.getUserMedia, asked, 'no getUserMedia for a receive-only guest');
  });

  it('a browser without RTCPeerConnection is told so before any device is asked for', async () => {
    const native = window.RTCPeerConnection;
    // @ts-expect-error: a browser built without WebRTC (such as WebKitGTK) has no RTCPeerConnection
    delete window.RTCPeerConnection;
    try {
      const w = addWidget(server, uniqueRoom(), { preview: 'auto' });
      widgets.push(w);
      const error = new Promise<string>((resolve) => w.addEventListener('vcw-error', (e) => resolve(e.detail.code)));
      equal(await error, 'unsupported-browser', 'vcw-error code');
      equal(w.state, 'error', 'state');
      assert(/cannot make video calls/.test(root(w).querySelector('[part~=error]')?.textContent ?? ''), 'the error screen says so');
      equal(calls.getUserMedia, 0, 'no device asked for');
    } finally {
      window.RTCPeerConnection = native;
    }
  });

  it('a final error releases camera and microphone', async () => {
    const room = uniqueRoom();
    const w = addWidget(server, room, { 'display-name': 'Kim', preview: 'auto' });
    widgets.push(w);
    await waitFor(() => live(w), 'the preview holds the devices');
    const tracks = [w.media.audioTrack!, w.media.videoTrack!];
    w.room = 'not a valid room!';
    await waitFor(() => w.state === 'error', 'the error screen');
    assert(tracks.every((t) => t.readyState === 'ended'), 'every track stopped');
  });
});
