// One call between two engines: Chromium and Firefox ESR (Debian's `firefox-esr`), each loading the demo page from
// the real server on loopback and joining the same room. puppeteer-core drives Chromium over CDP and Firefox over
// WebDriver BiDi; both use fake camera and microphone. Checks: media both ways, chat both ways exactly once, a file
// each way, a mute seen by the other side, a leave noticed.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { startServer, waitFor, type TestServer } from '../../server/test/helpers.js';
import { CALL_FLAGS, chromiumPath } from '../support/chromium.mjs';

const FIREFOX = [process.env.FIREFOX_PATH, '/usr/bin/firefox-esr', '/usr/lib/firefox-esr/firefox-esr', '/usr/bin/firefox'].find((p) => p && existsSync(p));
const ROOM = `engines-${Math.random().toString(36).slice(2, 10)}`;

/** What a page reports about its widget (read in the page, across the shadow root). */
interface View {
  state: string;
  selfId: string;
  remotes: Array<{ id: string; name: string; connection: string; audioMuted: boolean; videoMuted: boolean }>;
  messages: Array<{ text: string; self: boolean; name: string }>;
  /** The remote tile's video: picture size and playback position. */
  video: { width: number; height: number; time: number } | null;
  /** The remote stream's live audio tracks. */
  audioTracks: number;
  inbound: { audio: number; video: number };
}

/** The last view read of each page, for the messages of a failed wait. */
const last = new Map<Page, View>();

async function view(page: Page): Promise<View> {
  const seen = await page.evaluate(async () => {
    const call = document.getElementById('call') as HTMLElement & {
      state: string;
      participants: Array<{ id: string; name: string; self: boolean; connection: string; audioMuted: boolean; videoMuted: boolean }>;
      messages: Array<{ text: string; self: boolean; name: string }>;
      getStats(): Promise<Array<{ bitrate: { audio: { inbound: number }; video: { inbound: number } } }>>;
    };
    const remotes = call.participants.filter((p) => !p.self);
    const video = remotes[0] ? call.shadowRoot!.querySelector<HTMLVideoElement>(`.tile[data-peer-id="${remotes[0].id}"] video`) : null;
    const stream = video?.srcObject as MediaStream | null | undefined;
    const stats = (await call.getStats())[0];
    return {
      state: call.state,
      selfId: call.participants.find((p) => p.self)?.id ?? '',
      remotes: remotes.map(({ id, name, connection, audioMuted, videoMuted }) => ({ id, name, connection, audioMuted, videoMuted })),
      messages: call.messages.map(({ text, self, name }) => ({ text, self, name })),
      video: video ? { width: video.videoWidth, height: video.videoHeight, time: video.currentTime } : null,
      audioTracks: stream?.getAudioTracks().filter((t) => t.readyState === 'live').length ?? 0,
      inbound: { audio: stats?.bitrate.audio.inbound ?? 0, video: stats?.bitrate.video.inbound ?? 0 },
    };
  });
  last.set(page, seen);
  return seen;
}

const lastOf = (page: Page) => () => JSON.stringify(last.get(page));

/** Run `method` of the page's widget with `args`. */
function act(page: Page, method: string, ...args: unknown[]): Promise<unknown> {
  return page.evaluate((m, a) => (document.getElementById('call') as unknown as Record<string, (...x: unknown[]) => unknown>)[m]!(...a), method, args);
}

describe('Chromium ↔ Firefox ESR', { skip: FIREFOX ? false : 'firefox-esr is not installed: `apt-get install -y firefox-esr` (Debian; .ci/run does it) or set FIREFOX_PATH' }, () => {
  let server: TestServer;
  let chromium: Browser;
  let firefox: Browser;
  let cr: Page;
  let ff: Page;

  before(async () => {
    server = await startServer();
    chromium = await puppeteer.launch({
      executablePath: chromiumPath(),
      headless: true,
      args: [...CALL_FLAGS, '--use-fake-ui-for-media-stream'],
    });
    firefox = await puppeteer.launch({
      browser: 'firefox',
      executablePath: FIREFOX!,
      headless: true,
      extraPrefsFirefox: {
        // Fake camera and microphone, no permission prompt.
        'media.navigator.streams.fake': true,
        'media.navigator.permission.disabled': true,
        // Host candidates as addresses (not mDNS names Chromium would have to resolve), loopback included.
        'media.peerconnection.ice.obfuscate_host_addresses': false,
        'media.peerconnection.ice.loopback': true,
        'media.autoplay.default': 0,
        'media.autoplay.blocking_policy': 0,
      },
    });
    cr = await chromium.newPage();
    ff = await firefox.newPage();
  });

  after(async () => {
    await Promise.allSettled([chromium?.close(), firefox?.close()]);
    await server?.stop();
  });

  test('media both ways, chat both ways exactly once, a file each way, a mute seen, a leave noticed', { timeout: 120_000 }, async () => {
    await cr.goto(`${server.url}/?room=${ROOM}&name=Chromium&autojoin`);
    await waitFor(async () => (await view(cr)).state === 'joined', 20_000, 'Chromium joined');
    await ff.goto(`${server.url}/?room=${ROOM}&name=Firefox&autojoin`);
    await waitFor(async () => (await view(ff)).state === 'joined', 20_000, 'Firefox joined');
    const connected = (v: View, name: string) => v.remotes.length === 1 && v.remotes[0]!.name === name && v.remotes[0]!.connection === 'connected';
    await waitFor(async () => connected(await view(cr), 'Firefox') && connected(await view(ff), 'Chromium'), 30_000,
      () => `both connected: Chromium ${lastOf(cr)()}, Firefox ${lastOf(ff)()}`);

    // Media both ways: a picture that plays and audio and video bytes arriving, at each end.
    for (const [page, name] of [[cr, 'Chromium'], [ff, 'Firefox']] as const) {
      const first = await waitFor(async () => {
        const v = await view(page);
        return v.video && v.video.width > 0 && v.audioTracks === 1 && v.inbound.audio > 0 && v.inbound.video > 0 ? v : null;
      }, 30_000, () => `media arrives at ${name}: ${lastOf(page)()}`);
      await waitFor(async () => ((await view(page)).video?.time ?? 0) > first!.video!.time, 10_000, `the picture plays at ${name}`);
    }

    // Chat both ways, each message exactly once at each end.
    await act(cr, 'sendMessage', 'hello from Chromium');
    await act(ff, 'sendMessage', 'hello from Firefox');
    for (const [page, name] of [[cr, 'Chromium'], [ff, 'Firefox']] as const) {
      await waitFor(async () => (await view(page)).messages.length >= 2, 15_000, `both messages at ${name}`);
    }
    // One more round after both arrived, so a late duplicate would be in the log by now.
    await act(ff, 'sendMessage', 'last');
    await waitFor(async () => (await view(cr)).messages.some((m) => m.text === 'last'), 15_000, 'the last message at Chromium');
    await waitFor(async () => (await view(ff)).messages.some((m) => m.text === 'last'), 15_000, 'the last message at Firefox');
    // The first two may cross on the wire (each leaves before the other arrives): then both carry the same clock and
    // the shared order breaks the tie by sender id, so it is either way round — but the same at both ends.
    const orders: string[][] = [];
    for (const [page, name] of [[cr, 'Chromium'], [ff, 'Firefox']] as const) {
      const texts = (await view(page)).messages.map((m) => m.text);
      assert.deepEqual([...texts].sort(), ['hello from Chromium', 'hello from Firefox', 'last'], `each message exactly once at ${name}`);
      assert.equal(texts.at(-1), 'last', `the message sent after both arrived comes last at ${name}`);
      orders.push(texts);
    }
    assert.deepEqual(orders[0], orders[1], 'Chromium and Firefox show the same order');
    const atChromium = (await view(cr)).messages;
    assert.equal(atChromium.find((m) => m.text === 'hello from Firefox')?.name, 'Firefox', 'sender name');

    // A file each way (binary frames on the files channel): 300 KB, five chunks, byte-identical at the other end.
    const share = (page: Page, name: string) => page.evaluate((n) => {
      const bytes = new Uint8Array(300_000).map((_, i) => (i * 7 + n.length) % 251);
      return (document.getElementById('call') as unknown as { sendFile(f: File): Promise<unknown> }).sendFile(new File([bytes], n)).then(() => undefined);
    }, name);
    const received = (page: Page, name: string) => page.evaluate(async (n) => {
      const file = (document.getElementById('call') as unknown as { files: Array<{ fileName: string; status: string; url?: string }> }).files.find((f) => f.fileName === n);
      if (file?.status !== 'done' || !file.url) return null;
      const bytes = new Uint8Array(await (await fetch(file.url)).arrayBuffer());
      return bytes.length === 300_000 && bytes.every((b, i) => b === (i * 7 + n.length) % 251);
    }, name);
    await share(cr, 'from-chromium.bin');
    await share(ff, 'from-firefox.bin');
    await waitFor(() => received(ff, 'from-chromium.bin'), 30_000, 'Chromium\'s file arrives intact at Firefox');
    await waitFor(() => received(cr, 'from-firefox.bin'), 30_000, 'Firefox\'s file arrives intact at Chromium');

    // Mutes seen by the other engine.
    await act(ff, 'toggleMicrophone', false);
    await waitFor(async () => (await view(cr)).remotes[0]?.audioMuted === true, 10_000, 'Chromium sees Firefox muted');
    await act(cr, 'toggleCamera', false);
    await waitFor(async () => (await view(ff)).remotes[0]?.videoMuted === true, 10_000, 'Firefox sees Chromium\'s camera off');

    // A leave noticed.
    const firefoxId = (await view(ff)).selfId;
    // The listener is in place (the evaluate has returned) before Firefox leaves: its goodbye can arrive within
    // milliseconds, sooner than a listener sent along with it would be.
    await cr.evaluate((id) => {
      const record = window as unknown as { vcwLeft?: string };
      document.getElementById('call')!.addEventListener('vcw-participant-leave', (e) => {
        const detail = (e as CustomEvent<{ participant: { id: string }; reason: string }>).detail;
        if (detail.participant.id === id) record.vcwLeft = detail.reason;
      });
    }, firefoxId);
    const started = Date.now();
    await act(ff, 'leave');
    const reason = await waitFor(() => cr.evaluate(() => (window as unknown as { vcwLeft?: string }).vcwLeft), 10_000, 'vcw-participant-leave at Chromium');
    assert.equal(reason, 'left', 'Chromium hears Firefox left');
    assert.ok(Date.now() - started < 5_000, `noticed in ${Date.now() - started} ms`);
    assert.equal((await view(cr)).remotes.length, 0, 'Firefox\'s tile is gone');
  });
});
