// Call features in real Chromium against the real server: screen share, device switching mid-call, getStats(),
// recording, receive-only joiners, level meters and the speaker layout. Fake devices: 1 camera, 3 microphones (that
// beep), 3 speakers, a 1280×720 fake screen. Conditions are waited for with deadlines, never slept for.
import { sendMouse } from '@web/test-runner-commands';
import type { VideoCallWidget } from '../src/index.js';
import { axeViolations } from './a11y.js';
import { assert, equal, rejects } from './assert.js';
import { addWidget, framesAdvance, loadWidget, nextEvent, remotes, removeWidgets, selfId, startServer, stopAllServers, tileOf, uniqueRoom, waitFor, type TestServer } from './helpers.js';

const root = (w: VideoCallWidget) => w.shadowRoot!;
/** The widget's RTCPeerConnection for a participant's media (internal: to prove a switch made no new call). */
const mediaPc = (w: VideoCallWidget, peer: string): RTCPeerConnection | undefined =>
  (w as unknown as { call?: { remotes: Map<string, { media?: { peerConnection?: RTCPeerConnection } }> } }).call?.remotes.get(peer)?.media?.peerConnection;
const remoteVideo = (w: VideoCallWidget, peer: string) => tileOf(w, peer)?.querySelector('video') ?? null;
const sent = (pc: RTCPeerConnection, kind: string) => pc.getSenders().find((s) => s.track?.kind === kind);

/** A real click (user activation: full screen and picture-in-picture need one). */
async function click(el: Element): Promise<void> {
  // Where it is once layout has settled (e.g. after leaving full screen): the same box two frames running.
  const box = () => JSON.stringify(el.getBoundingClientRect());
  const frame = () => new Promise((resolve) => requestAnimationFrame(resolve));
  await waitFor(async () => {
    const before = box();
    await frame();
    await frame();
    return before === box();
  }, 'a settled layout');
  const r = el.getBoundingClientRect();
  await sendMouse({ type: 'click', position: [Math.round(r.x + r.width / 2), Math.round(r.y + r.height / 2)] });
}

async function noViolations(w: VideoCallWidget, what: string): Promise<void> {
  equal(await axeViolations(w), '', `axe-core finds no WCAG 2.1 AA violation: ${what}`);
}

describe('call features', function () {
  this.timeout(120_000);
  let server: TestServer;
  const widgets: VideoCallWidget[] = [];
  const add = (room: string, attrs: Record<string, string> = {}) => {
    const w = addWidget(server, room, attrs);
    w.style.height = '520px';
    widgets.push(w);
    return w;
  };

  before(async () => {
    server = await startServer();
    await loadWidget(server);
  });
  afterEach(async () => {
    await removeWidgets(widgets);
    localStorage.removeItem('vcw-devices');
    localStorage.removeItem('vcw-name');
  });
  after(stopAllServers);

  async function pair(attrs: Record<string, string> = {}): Promise<[VideoCallWidget, VideoCallWidget]> {
    const room = uniqueRoom();
    const a = add(room, { 'display-name': 'Ada' });
    const b = add(room, { 'display-name': 'Ben', ...attrs });
    await a.join();
    await b.join();
    await waitFor(() => [a, b].every((w) => remotes(w)[0]?.connection === 'connected'), 'both connected', 30_000);
    return [a, b];
  }

  it('screen share reaches the other side at 1280×720, uncropped, and the browser\'s "Stop sharing" brings the camera back', async () => {
    const [a, b] = await pair();
    const aId = selfId(a);
    const toggled = nextEvent(a, 'vcw-screenshare-toggle', (e) => e.detail.enabled);
    await a.toggleScreenshare(true);
    await toggled;
    await waitFor(() => remotes(b)[0]!.screenSharing && tileOf(b, aId)?.querySelector('[data-badge="presenting"]'), 'B sees A presenting');
    await waitFor(() => remoteVideo(b, aId)?.videoWidth === 1280 && remoteVideo(b, aId)?.videoHeight === 720,
      'the screen at 1280×720 at B', 45_000).catch((error: Error) => {
      const v = remoteVideo(b, aId);
      throw new Error(`${error.message} (got ${v?.videoWidth}×${v?.videoHeight})`);
    });
    equal(getComputedStyle(remoteVideo(b, aId)!).objectFit, 'contain', 'the screen is shown whole, not cropped');
    assert(await framesAdvance(remoteVideo(b, aId)!), 'the shared screen moves at B');
    const stats = await waitFor(async () => (await b.getStats()).find((s) => s.video.frameWidth === 1280), 'stats say 1280 wide');
    equal(stats.video.frameHeight, 720, 'stats frame height');
    // In the speaker layout whoever presents gets the large tile.
    b.layout = 'speaker';
    await waitFor(() => tileOf(b, aId)?.classList.contains('main'), 'the presenter is the main tile in the speaker layout');

    // The browser's own "Stop sharing" ends the track: the camera comes back, for A and for B.
    const screen = (tileOf(a, aId)!.querySelector('video')!.srcObject as MediaStream).getVideoTracks()[0]!;
    assert(!/fake_device/.test(screen.label), `A's own tile shows the screen (${screen.label})`);
    const stopped = nextEvent(a, 'vcw-screenshare-toggle', (e) => !e.detail.enabled);
    screen.dispatchEvent(new Event('ended'));
    await stopped;
    equal(screen.readyState, 'ended', 'the screen track is stopped');
    await waitFor(() => !remotes(b)[0]!.screenSharing && !tileOf(b, aId)?.querySelector('[data-badge="presenting"]'), 'B no longer sees A presenting');
    const camera = await waitFor(() => (tileOf(a, aId)!.querySelector('video')!.srcObject as MediaStream | null)?.getVideoTracks()[0], 'A\'s own tile has a track');
    assert(camera !== screen && camera.readyState === 'live', 'the camera is back in A\'s own tile');
    const sent = mediaPc(a, selfId(b))!.getSenders().find((s) => s.track?.kind === 'video')!.track!;
    equal(sent, camera, 'A sends the camera again');
    assert(await framesAdvance(remoteVideo(b, aId)!), 'A\'s camera picture moves at B');
  });

  it('switches the microphone mid-call on the same RTCPeerConnection, remembers it, and routes sound to a chosen speaker', async () => {
    const [a, b] = await pair();
    const bId = selfId(b);
    const pc = mediaPc(a, bId)!;
    assert(pc, 'A has a media connection to B');
    const senderTrack = () => pc.getSenders().find((s) => s.track?.kind === 'audio' || s.track === null && s.transport)?.track;
    const before = senderTrack()!.getSettings().deviceId;
    const devices = await navigator.mediaDevices.enumerateDevices();
    const mics = devices.filter((d) => d.kind === 'audioinput');
    assert(mics.length >= 3, `three fake microphones (got ${mics.length})`);
    const other = mics.find((d) => d.deviceId !== before && d.deviceId !== 'default')!;
    let rejoined = false;
    a.addEventListener('vcw-participant-leave', () => (rejoined = true));
    b.addEventListener('vcw-participant-leave', () => (rejoined = true));
    const changed = nextEvent(a, 'vcw-device-change');
    await a.setDevices({ audioInput: other.deviceId });
    equal((await changed).detail.audioInput, other.deviceId, 'vcw-device-change names the new microphone');
    await waitFor(() => senderTrack()?.getSettings().deviceId === other.deviceId, 'the call sends the new microphone');
    equal(mediaPc(a, bId), pc, 'the same RTCPeerConnection: no new call');
    equal(pc.connectionState, 'connected', 'still connected');
    equal(remotes(b)[0]!.connection, 'connected', 'B still has A connected');
    assert(!rejoined, 'nobody left or rejoined');
    equal(JSON.parse(localStorage.getItem('vcw-devices') ?? '{}').audioInput, other.deviceId, 'the choice is remembered on this site');
    // B still hears A: audio arrives over the same connection.
    await waitFor(async () => (await b.getStats())[0]?.bitrate.audio.inbound, 'audio from A still arrives at B', 30_000);

    // A device that is not there: a rejection with a public code, a vcw-error, a notice — and the call goes on.
    const error = nextEvent(a, 'vcw-error');
    const refused = await rejects(a.setDevices({ audioInput: 'no-such-device' }), 'an unknown microphone');
    equal(refused.code, 'no-device', 'setDevices rejects with no-device');
    equal((await error).detail.code, 'no-device', 'vcw-error no-device');
    await waitFor(() => /No camera or microphone/.test(root(a).querySelector('[part~="notice"]')?.textContent ?? ''), 'a notice says so');
    equal(senderTrack()?.getSettings().deviceId, other.deviceId, 'the microphone in use stays');
    equal(pc.connectionState, 'connected', 'the call goes on');

    // The Devices panel in the call shows the pickers, with three microphones and the chosen one selected.
    root(a).querySelector<HTMLButtonElement>('.more-toggle')!.click();
    (await waitFor(() => root(a).querySelector<HTMLButtonElement>('.menu .devices-toggle'), 'Devices in the More menu')).click();
    const select = await waitFor(() => root(a).querySelector<HTMLSelectElement>('.call select[name="audioInput"]'), 'the microphone picker in the call');
    assert(select.options.length >= 3, 'three microphones to pick from');
    equal(select.value, other.deviceId, 'the picker shows the microphone in use');
    await noViolations(a, 'call with the Devices panel open');

    // The camera too (one fake camera: the same one again, as a new track on the same connection).
    const camera = sent(pc, 'video')!.track!;
    await a.setDevices({ videoInput: camera.getSettings().deviceId! });
    await waitFor(() => sent(pc, 'video')!.track !== camera && sent(pc, 'video')!.track!.readyState === 'live', 'a new camera track is sent');
    equal(camera.readyState, 'ended', 'the old camera track is released');
    equal(mediaPc(a, bId), pc, 'still the same RTCPeerConnection');
    assert(await framesAdvance(remoteVideo(b, selfId(a))!), 'B sees the new camera track');

    const speakers = devices.filter((d) => d.kind === 'audiooutput' && d.deviceId !== 'default');
    if ('setSinkId' in HTMLMediaElement.prototype && speakers.length) {
      await a.setDevices({ audioOutput: speakers[0]!.deviceId });
      await waitFor(() => (remoteVideo(a, bId) as HTMLVideoElement & { sinkId: string }).sinkId === speakers[0]!.deviceId, 'B\'s sound plays on the chosen speaker');
    }
  });

  it('remembers the name and the devices for the next visit on the site (and ignores junk in storage)', async () => {
    const mics = (await navigator.mediaDevices.enumerateDevices()).filter((d) => d.kind === 'audioinput' && d.deviceId !== 'default');
    const room = uniqueRoom();
    const first = add(room, { 'display-name': 'Remembered' });
    await first.join();
    await first.leave();
    equal(localStorage.getItem('vcw-name'), 'Remembered', 'the name is kept');
    localStorage.setItem('vcw-devices', JSON.stringify({ audioInput: mics[1]!.deviceId, videoInput: 42, junk: 'x' }));
    const next = add(room, { preview: 'auto' });
    await waitFor(() => next.state === 'prejoin', 'pre-join');
    await waitFor(() => root(next).querySelector<HTMLInputElement>('input[name="name"]')?.value === 'Remembered', 'the name is filled in');
    const select = await waitFor(() => root(next).querySelector<HTMLSelectElement>('.prejoin select[name="audioInput"]'), 'microphone picker');
    await waitFor(() => select.value === mics[1]!.deviceId, 'the remembered microphone is picked');
    await next.join();
    const mic = () => (next as unknown as { media: { audioTrack: MediaStreamTrack | null } }).media.audioTrack;
    await waitFor(() => mic()?.getSettings().deviceId === mics[1]!.deviceId, 'and used');
    localStorage.setItem('vcw-devices', '{not json');
    const broken = add(uniqueRoom(), { 'display-name': 'Broken', preview: 'auto' });
    await waitFor(() => broken.state === 'prejoin' && root(broken).querySelector('meter'), 'pre-join despite unreadable storage');
  });

  it('an unplugged microphone is replaced by another mid-call, with a notice, on the same connection', async () => {
    const [a, b] = await pair();
    const pc = mediaPc(a, selfId(b))!;
    const mic = sent(pc, 'audio')!.track!;
    const settings = mic.getSettings();
    assert(settings.echoCancellation && settings.noiseSuppression && settings.autoGainControl, 'echo cancellation, noise suppression and auto gain are on');
    const changed = nextEvent(a, 'vcw-device-change');
    // What the browser does when a device goes away: the track ends.
    mic.dispatchEvent(new Event('ended'));
    await changed;
    await waitFor(() => root(a).querySelector('[part~="notice"]')?.textContent?.includes('disconnected'), 'a notice says a device went away');
    await waitFor(() => sent(pc, 'audio')?.track && sent(pc, 'audio')!.track !== mic && sent(pc, 'audio')!.track!.readyState === 'live', 'another microphone is sent');
    equal(mediaPc(a, selfId(b)), pc, 'the same RTCPeerConnection');
    equal(remotes(b)[0]!.audioMuted, false, 'B hears A (not muted)');
    await noViolations(a, 'the device notice');
    mic.stop();
  });

  it('a bigger mesh sends a smaller camera picture; a presented screen goes at full size', async () => {
    const room = uniqueRoom();
    const ws = ['Ada', 'Ben', 'Cy'].map((name) => add(room, { 'display-name': name }));
    for (const w of ws) await w.join();
    await waitFor(() => ws.every((w) => remotes(w).length === 2 && remotes(w).every((p) => p.connection === 'connected')), 'three connected', 30_000);
    const [a] = ws;
    const encodings = () => remotes(a!).map((p) => sent(mediaPc(a!, p.id)!, 'video')!.getParameters().encodings[0]!);
    await waitFor(() => encodings().every((e) => e.scaleResolutionDownBy === 1.5 && e.maxBitrate === 900_000), 'three people: 1.5× smaller at 900 kbit/s');
    await a!.toggleScreenshare(true);
    await waitFor(() => encodings().every((e) => e.scaleResolutionDownBy === 1 && e.maxBitrate === 2_500_000), 'presenting: full size');
    await a!.toggleScreenshare(false);
    await waitFor(() => encodings().every((e) => e.scaleResolutionDownBy === 1.5), 'the camera again: smaller');
  });

  it('full screen and picture-in-picture buttons on a tile really work', async () => {
    const [a, b] = await pair();
    const tile = tileOf(a, selfId(b))!;
    await waitFor(() => tile.querySelector<HTMLVideoElement>('video')!.readyState >= 2, 'B\'s video playing');
    const full = tile.querySelector<HTMLButtonElement>('button[aria-label^="Full screen"]')!;
    // Without a user gesture the browser refuses: the page hears it, the button is not silently dead.
    if (!navigator.userActivation.isActive) {
      const refused = nextEvent(a, 'vcw-error');
      full.click();
      equal((await refused).detail.code, 'unsupported-browser', 'a refused full screen is a vcw-error');
    }
    const pip = tile.querySelector<HTMLButtonElement>('button[aria-label^="Picture in picture"]');
    equal(!!pip, document.pictureInPictureEnabled, 'a picture-in-picture button exactly where the browser has it');
    if (pip) {
      const errors: string[] = [];
      a.addEventListener('vcw-error', (e) => errors.push(e.detail.message));
      const video = tile.querySelector('video')!;
      // Chromium now and then refuses a request (InvalidStateError) while its media player settles; the page is told
      // (vcw-error) and a person clicks again — so does the test, a bounded number of times.
      for (let attempt = 1; root(a).pictureInPictureElement !== video; attempt++) {
        const state = `readyState ${video.readyState}, ${video.videoWidth}×${video.videoHeight}`;
        if (attempt > 4) throw new Error(`B never went picture-in-picture (${state}; refusals: ${errors.join('; ') || 'none'})`);
        const before = errors.length;
        await click(pip);
        await waitFor(() => root(a).pictureInPictureElement === video || errors.length > before, 'picture-in-picture or a refusal');
      }
      await click(pip);
      await waitFor(() => !document.pictureInPictureElement, 'and back');
    }
    await click(full);
    await waitFor(() => root(a).fullscreenElement === tile, 'the tile is full screen');
    await click(full);
    await waitFor(() => !document.fullscreenElement, 'and back');
  });

  it('getStats() gives rtt, loss, bitrates and frame size per remote participant, and each tile shows its quality', async () => {
    const [a, b] = await pair();
    const stats = await waitFor(async () => {
      const all = await a.getStats();
      const s = all[0];
      return all.length === 1 && s && s.rtt !== null && s.video.frameWidth > 0 && s.bitrate.video.inbound > 0 && s.bitrate.video.outbound > 0 ? s : null;
    }, 'stats with rtt, frame size and bitrates', 30_000);
    equal(stats.id, selfId(b), 'one entry for B, by peer id');
    assert(stats.rtt! >= 0 && stats.rtt! < 1000, `rtt in ms (${stats.rtt})`);
    assert(stats.video.frameHeight > 0 && stats.video.framesPerSecond >= 0, 'frame size and rate');
    assert(stats.packetLossPercent >= 0 && stats.packetLossPercent <= 100 && stats.jitter >= 0, 'loss and jitter');
    equal(stats.usingRelay, false, 'loopback: not relayed');
    const mark = await waitFor(() => tileOf(a, selfId(b))?.querySelector<HTMLElement>('[part~="quality"][data-quality]:not([data-quality=""])'), 'a quality mark on B\'s tile');
    assert(['good', 'fair', 'poor'].includes(mark.dataset.quality!), `quality is good, fair or poor (${mark.dataset.quality})`);
    assert(/Connection: (good|fair|poor): \d+ ms/.test(mark.getAttribute('aria-label')!), `the mark says it in words (${mark.getAttribute('aria-label')})`);
    mark.focus();
    await waitFor(() => getComputedStyle(mark.querySelector('.details')!).display === 'block', 'details show on focus');
    await noViolations(a, 'call with quality details shown');
  });

  it('records 3 s of the call into a playable WebM while everyone sees that it runs', async () => {
    const [a, b] = await pair();
    await waitFor(() => [a, b].every((w) => [...root(w).querySelectorAll<HTMLVideoElement>('.tile video')].every((v) => v.readyState >= 2)), 'videos playing');
    const seen = nextEvent(b, 'vcw-recording', (e) => e.detail.recording && e.detail.participant.id === selfId(a));
    await a.startRecording();
    await seen;
    await waitFor(() => root(b).querySelector('[part~="recording"]')?.textContent?.includes('Ada is recording'), 'B sees that Ada records');
    await waitFor(() => root(a).querySelector('[part~="recording"]')?.textContent?.includes('Recording'), 'Ada sees that she records');
    root(a).querySelector<HTMLButtonElement>('.more-toggle')!.click();
    const recordItem = await waitFor(() => root(a).querySelector('.menu .record'), 'Record in the More menu');
    equal(recordItem.getAttribute('aria-checked'), 'true', 'Record is checked in the More menu');
    root(a).querySelector<HTMLButtonElement>('.more-toggle')!.click();
    await noViolations(b, 'the recording indicator');
    // A real duration to record, not a stand-in for a condition.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const blob = await a.stopRecording();
    assert(blob.size > 10_000, `a non-empty recording (${blob.size} B)`);
    equal(blob.type, 'video/webm', 'WebM');
    await waitFor(() => !root(b).querySelector('[part~="recording"]'), 'the indicator goes away at B');

    const video = document.createElement('video');
    video.muted = true;
    const url = URL.createObjectURL(blob);
    try {
      const loaded = new Promise((resolve) => video.addEventListener('loadedmetadata', resolve, { once: true }));
      video.src = url;
      await Promise.race([loaded, new Promise((_, reject) => setTimeout(() => reject(new Error('no loadedmetadata within 15 s')), 15_000))]);
      equal(`${video.videoWidth}×${video.videoHeight}`, '1280×720', 'the recording\'s picture');
      // MediaRecorder's WebM has no duration in its header: seeking past the end makes the browser find it.
      video.currentTime = 1e9;
      const duration: number = await waitFor(() => (Number.isFinite(video.duration) ? video.duration : 0), 'a finite duration');
      assert(duration > 2 && duration < 10, `about 3 s recorded (${duration.toFixed(2)} s)`);
      video.currentTime = 0;
      await video.play();
      await waitFor(() => video.currentTime > 0.3, 'the recording plays');
    } finally {
      video.pause();
      URL.revokeObjectURL(url);
    }
  });

  it('a receive-only joiner (video="off" audio="off") and one without any device still see, hear and chat', async () => {
    const room = uniqueRoom();
    const a = add(room, { 'display-name': 'Ada' });
    await a.join();
    const r = add(room, { 'display-name': 'Watcher', video: 'off', audio: 'off' });
    await r.join();
    await waitFor(() => remotes(r)[0]?.connection === 'connected' && remotes(a)[0]?.connection === 'connected', 'connected');
    const aId = selfId(a);
    assert(await framesAdvance(remoteVideo(r, aId)!), 'the receive-only joiner sees Ada');
    equal((remoteVideo(r, aId)!.srcObject as MediaStream).getAudioTracks().length, 1, 'and gets her audio');
    await waitFor(() => remotes(a)[0]!.audioMuted && remotes(a)[0]!.videoMuted, 'Ada sees the joiner without camera and microphone');
    // join() right after the element is inserted still honours audio="off" video="off": nothing was opened.
    const media = (r as unknown as { media: { audioTrack: MediaStreamTrack | null; videoTrack: MediaStreamTrack | null } }).media;
    assert(!media.audioTrack && !media.videoTrack, 'the receive-only joiner holds no camera or microphone');

    // No devices at all: getUserMedia fails with NotFoundError; "Join without camera and microphone" still joins.
    const gum = navigator.mediaDevices.getUserMedia;
    navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException('Requested device not found', 'NotFoundError'));
    try {
      const n = add(room, { 'display-name': 'Nodev' });
      const error = nextEvent(n, 'vcw-error');
      await n.join().catch(() => undefined);
      equal((await error).detail.code, 'no-device', 'vcw-error no-device');
      const without = await waitFor(() => [...root(n).querySelectorAll('button')].find((x) => /without/.test(x.textContent ?? '')), 'a "join without" button');
      without.click();
      await waitFor(() => n.state === 'joined' && remotes(n).length === 2 && remotes(n).every((p) => p.connection === 'connected'), 'joined without devices', 30_000);
      assert(await framesAdvance(remoteVideo(n, aId)!), 'the joiner without devices sees Ada');
      await n.sendMessage('hello from nowhere');
      await waitFor(() => a.messages.some((m) => m.text === 'hello from nowhere'), 'and chats');
    } finally {
      navigator.mediaDevices.getUserMedia = gum;
    }
  });

  it('level meters move with the fake microphone\'s beep: the pre-join meter, the speaking ring, the muted hint', async () => {
    const room = uniqueRoom();
    const a = add(room, { 'display-name': 'Ada', preview: 'auto' });
    await waitFor(() => a.state === 'prejoin', 'pre-join');
    const meter = await waitFor(() => root(a).querySelector<HTMLMeterElement>('meter[part~="meter"]'), 'a level meter on the pre-join screen');
    // Typing the name re-renders the screen; the camera preview keeps playing (no reload, no blank frame).
    const preview = await waitFor(() => root(a).querySelector<HTMLVideoElement>('.prejoin video'), 'the camera preview');
    let reloads = 0;
    preview.addEventListener('emptied', () => reloads++);
    const name = root(a).querySelector<HTMLInputElement>('input[name="name"]')!;
    for (const text of ['A', 'Ad', 'Ada']) {
      name.value = text;
      name.dispatchEvent(new Event('input'));
      await a.updateComplete;
    }
    equal(reloads, 0, 'the preview was not reloaded while typing');
    assert(await framesAdvance(preview), 'the preview moves');
    const values = new Set<number>();
    await waitFor(() => {
      values.add(Math.round(meter.value * 100));
      return values.size >= 3 && Math.max(...values) >= 5;
    }, 'the meter moves with the beep', 20_000);
    const mics = await waitFor(() => root(a).querySelector<HTMLSelectElement>('.prejoin select[name="audioInput"]'), 'microphone picker');
    assert(mics.options.length >= 3, `three microphones to pick from (got ${mics.options.length})`);
    assert(root(a).querySelector('.prejoin select[name="videoInput"]'), 'camera picker');
    await noViolations(a, 'pre-join with the level meter and the pickers');

    await a.join();
    const b = add(room, { 'display-name': 'Ben' });
    await b.join();
    await waitFor(() => [a, b].every((w) => remotes(w)[0]?.connection === 'connected'), 'both connected');
    const aId = selfId(a);
    await waitFor(() => tileOf(b, aId)?.classList.contains('speaking'), 'Ada\'s tile at Ben rings when her microphone beeps', 20_000);

    // Speaker layout: the one speaking gets the large tile.
    b.layout = 'speaker';
    await waitFor(() => tileOf(b, aId)?.classList.contains('main'), 'Ada is the main tile in Ben\'s speaker layout', 20_000);
    equal(b.getAttribute('layout'), 'speaker', 'layout reflects to the attribute');

    // Muted and speaking: a hint.
    await a.toggleMicrophone(false);
    await waitFor(() => /muted/.test(root(a).querySelector('[part~="notice"]')?.textContent ?? ''), 'the "you are muted" hint', 20_000);
    await noViolations(a, 'the muted hint');
  });
});
