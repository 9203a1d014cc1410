// Files as a receiver gets them: real Chromium, the real server on loopback, real peers. A received file must not
// become something that runs in the embedding page's origin when opened.
import type { VideoCallWidget } from '../src/index.js';
import { assert, equal } from './assert.js';
import { addWidget, loadWidget, remotes, removeWidgets, selfId, startServer, stopAllServers, uniqueRoom, waitFor, type TestServer } from './helpers.js';

/** The widget's files channel to `peer` (internal; used to send frames as a hostile peer would). */
function filesChannel(w: VideoCallWidget, peer: string): RTCDataChannel {
  const call = (w as unknown as { call: { remotes: Map<string, { files: RTCDataChannel }> } }).call;
  return call.remotes.get(peer)!.files;
}

/** A files-channel frame (src/files/frames.ts): `[kind][id length][id][body]`. */
function fileFrame(kind: number, id: string, body: Uint8Array | object = new Uint8Array(0)): Uint8Array<ArrayBuffer> {
  const bytes = body instanceof Uint8Array ? body : new TextEncoder().encode(JSON.stringify(body));
  const out = new Uint8Array(2 + id.length + bytes.length);
  out.set([kind, id.length]);
  out.set(new TextEncoder().encode(id), 2);
  out.set(bytes, 2 + id.length);
  return out;
}

async function sha256(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  return [...new Uint8Array(await crypto.subtle.digest('SHA-256', bytes))].map((b) => b.toString(16).padStart(2, '0')).join('');
}

declare global {
  interface Window {
    /** What the test files' scripts write when they run: the document type they ran in. */
    __ran?: string[];
  }
}

const SCRIPT = 'parent.__ran = parent.__ran || []; parent.__ran.push(document.contentType)';

/** Frame `url` in this page (same origin as a `blob:` URL the page made) as a page that opens a file would. */
function frame(url: string): HTMLIFrameElement {
  const f = document.createElement('iframe');
  f.src = url;
  document.body.append(f);
  return f;
}

describe('files', function () {
  let server: TestServer;
  const widgets: VideoCallWidget[] = [];
  const frames: HTMLIFrameElement[] = [];

  before(async () => {
    server = await startServer();
    await loadWidget(server);
  });
  afterEach(async () => {
    for (const f of frames.splice(0)) f.remove();
    window.__ran = [];
    await removeWidgets(widgets);
  });
  after(stopAllServers);

  async function inACall(names: string[]) {
    const room = uniqueRoom();
    const added = names.map((name) => addWidget(server, room, { 'display-name': name }));
    widgets.push(...added);
    for (const w of added) await w.join();
    await waitFor(() => added.every((w) => remotes(w).length === names.length - 1 && remotes(w).every((p) => p.connection === 'connected')), 'everyone connected');
    return added;
  }

  it('a received HTML or SVG file with a script is kept as application/octet-stream and runs nothing in the page when opened; safe types keep theirs', async () => {
    const [a, b] = await inACall(['Ada', 'Ben']);
    const sent = [
      new File([`<!doctype html><p>invoice</p><script>${SCRIPT}</script>`], 'invoice.html', { type: 'text/html' }),
      new File([`<svg xmlns="http://www.w3.org/2000/svg"><script>${SCRIPT}</script></svg>`], 'logo.svg', { type: 'image/svg+xml' }),
      new File([`<html xmlns="http://www.w3.org/1999/xhtml"><script>${SCRIPT}</script></html>`], 'page.xhtml', { type: 'application/xhtml+xml' }),
      new File([new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])], 'photo.png', { type: 'image/png' }),
      new File(['just text'], 'notes.txt', { type: 'text/plain' }),
      new File(['%PDF-1.4'], 'Report.PDF', { type: 'Application/PDF' }),
    ];
    for (const file of sent) await a!.sendFile(file);
    await waitFor(() => b!.files.filter((f) => f.status === 'done').length === sent.length, 'every file arrives at Ben');
    const expected: Record<string, string> = {
      'invoice.html': 'application/octet-stream',
      'logo.svg': 'application/octet-stream',
      'page.xhtml': 'application/octet-stream',
      'photo.png': 'image/png',
      'notes.txt': 'text/plain',
      'Report.PDF': 'application/pdf',
    };
    for (const w of [b!, a!]) {
      for (const f of w.files) {
        equal(f.type, expected[f.fileName], `files[].type of ${f.fileName} at ${w.displayName}`);
        equal((await (await fetch(f.url!)).blob()).type, expected[f.fileName], `the blob's type of ${f.fileName} at ${w.displayName}`);
      }
    }
    // Every link downloads (never navigates to the file).
    b!.toggleChat(true);
    await b!.updateComplete;
    const links = [...b!.shadowRoot!.querySelectorAll<HTMLAnchorElement>('a.download')];
    equal(links.length, sent.length, 'a link per file');
    for (const link of links) assert(link.hasAttribute('download'), `${link.getAttribute('download')} is a download link`);

    // Opened: the received HTML, SVG and XHTML framed in the page. Then, as the control that proves the scripts
    // would run, the same bytes as the sender's type; once the controls have run, the received ones have had their
    // turn (they were framed first) and ran nothing: their frames never left about:blank.
    const hostile = b!.files.filter((f) => expected[f.fileName] === 'application/octet-stream');
    const opened = hostile.map((f) => frame(f.url!));
    frames.push(...opened);
    for (const f of hostile) {
      const original = sent.find((s) => s.name === f.fileName)!;
      const bytes = await (await fetch(f.url!)).arrayBuffer();
      frames.push(frame(URL.createObjectURL(new Blob([bytes], { type: original.type }))));
    }
    await waitFor(() => (window.__ran ?? []).length >= 3, 'the controls ran their scripts');
    equal([...window.__ran!].sort().join(','), 'application/xhtml+xml,image/svg+xml,text/html', 'only the controls ran, once each');
    for (const f of opened) equal(f.contentDocument?.URL, 'about:blank', 'a received file framed in the page stays a download');
  });

  it('files-channel frames get the same checks as before: malformed, oversized, unknown, too long or damaged are dropped or fail', async () => {
    const [mallory, b] = await inACall(['Mallory', 'Ben']);
    const channel = filesChannel(mallory!, selfId(b!));
    const before = b!.invalidMessages;
    const content = new TextEncoder().encode('sixteen bytes!!!');
    const offer = async (id: string, size = content.length, hash?: string) =>
      fileFrame(0, id, { name: `${id}.bin`, size, type: 'text/html', hash: hash ?? await sha256(content), ts: Date.now() });
    const junk: Uint8Array<ArrayBuffer>[] = [
      new Uint8Array([]),
      new Uint8Array([9, 1, 65]),
      fileFrame(1, 'nobody', content),
      fileFrame(2, 'nobody'),
      fileFrame(0, 'bad id!', {}),
      fileFrame(0, 'f1', { name: 'x', size: 26 * 1024 * 1024, type: '', hash: '0'.repeat(64), ts: 1 }),
      new Uint8Array(70 * 1024),
    ];
    for (const bytes of junk) channel.send(bytes);
    channel.send('a string, not bytes');
    // A transfer whose bytes do not match its hash, one that sends more than it offered: both fail at Ben as damaged.
    channel.send(await offer('wrong-hash', content.length, 'a'.repeat(64)));
    channel.send(fileFrame(1, 'wrong-hash', content));
    channel.send(fileFrame(2, 'wrong-hash'));
    channel.send(await offer('too-long'));
    channel.send(fileFrame(1, 'too-long', content));
    channel.send(fileFrame(1, 'too-long', content));
    // And an honest one after all that.
    channel.send(await offer('fine'));
    channel.send(fileFrame(1, 'fine', content));
    channel.send(fileFrame(2, 'fine'));
    await waitFor(() => b!.files.find((f) => f.id === 'fine')?.status === 'done', 'the honest file arrives');
    for (const id of ['wrong-hash', 'too-long']) {
      const t = b!.files.find((f) => f.id === id);
      equal(t?.status, 'failed', `${id} failed`);
      assert(/damaged/.test(t?.error ?? ''), `${id} says why: ${t?.error}`);
    }
    const fine = b!.files.find((f) => f.id === 'fine')!;
    equal(fine.type, 'application/octet-stream', 'the offered text/html is not kept');
    equal(await (await fetch(fine.url!)).text(), 'sixteen bytes!!!', 'content');
    equal(b!.invalidMessages - before, junk.length + 1, 'every malformed frame counted');
    equal(remotes(b!)[0]?.connection, 'connected', 'Mallory is still connected');
  });
});
