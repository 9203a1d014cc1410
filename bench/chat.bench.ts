// Chat between three widgets in one call: round trip (A sends, B answers as soon as it sees it, A sees the
// answer) and messages/s (all three send a burst at once, until every widget holds every message), each beside
// the floor: three raw RTCPeerConnections meshes in the same page doing the same over bare RTCDataChannels.
import type { VideoCallWidget } from '../src/index.js';
import { addWidget, loadWidget, nextEvent, remotes, startServer, stopAllServers, uniqueRoom, waitFor } from '../test/helpers.js';
import { ratio, record, stats } from './record.js';

const RUNS = 20;
const BURSTS = 10;
const PER_PEER = 100;
const TEXT = 'The quick brown fox jumps over the lazy dog, then checks the chat for the next message in line.'; // ~100 chars

const wire = (name: string, text: string) => JSON.stringify({ v: 1, t: 'chat', id: crypto.randomUUID(), name, text, ts: Date.now() });

interface RawPeer {
  channels: RTCDataChannel[];
  received: number;
  /** `performance.now()` of the last message received. */
  lastAt: number;
  onText?: (text: string) => void;
}

/**
 * Two RTCPeerConnections in this page, candidates and SDP handed over directly, with one negotiated reliable ordered
 * channel `label` at each end. Resolves once negotiated; the channels open shortly after.
 */
async function rawPair(label: string): Promise<{ pcs: [RTCPeerConnection, RTCPeerConnection]; ends: [RTCDataChannel, RTCDataChannel] }> {
  const a = new RTCPeerConnection();
  const b = new RTCPeerConnection();
  a.onicecandidate = (e) => e.candidate && b.addIceCandidate(e.candidate);
  b.onicecandidate = (e) => e.candidate && a.addIceCandidate(e.candidate);
  const ends: [RTCDataChannel, RTCDataChannel] = [a.createDataChannel(label, { negotiated: true, id: 0 }), b.createDataChannel(label, { negotiated: true, id: 0 })];
  await a.setLocalDescription(await a.createOffer());
  await b.setRemoteDescription(a.localDescription!);
  await b.setLocalDescription(await b.createAnswer());
  await a.setRemoteDescription(b.localDescription!);
  return { pcs: [a, b], ends };
}

/** Three peers, one RTCPeerConnection pair per couple, a reliable ordered channel on each. */
async function rawMesh(): Promise<{ peers: RawPeer[]; close: () => void }> {
  const peers: RawPeer[] = [0, 1, 2].map(() => ({ channels: [], received: 0, lastAt: 0 }));
  const pcs: RTCPeerConnection[] = [];
  for (const [i, j] of [[0, 1], [0, 2], [1, 2]] as const) {
    const pair = await rawPair('chat');
    pcs.push(...pair.pcs);
    for (const [peer, channel] of [[peers[i]!, pair.ends[0]], [peers[j]!, pair.ends[1]]] as const) {
      peer.channels.push(channel);
      channel.onmessage = (e: MessageEvent<string>) => {
        peer.received++;
        peer.lastAt = performance.now();
        peer.onText?.((JSON.parse(e.data) as { text: string }).text);
      };
    }
  }
  await waitFor(() => peers.every((p) => p.channels.every((c) => c.readyState === 'open')), 'raw channels open');
  return { peers, close: () => pcs.forEach((pc) => pc.close()) };
}

const rawSend = (peer: RawPeer, name: string, text: string) => {
  const data = wire(name, text);
  for (const c of peer.channels) c.send(data);
};

async function rawRoundTrip(peers: RawPeer[], i: number): Promise<number> {
  const [a, b] = peers as [RawPeer, RawPeer];
  const pong = new Promise<number>((resolve) => (a.onText = (t) => t === `pong ${i}` && resolve(performance.now())));
  b.onText = (t) => t === `ping ${i}` && rawSend(b, 'B', `pong ${i}`);
  const started = performance.now();
  rawSend(a, 'A', `ping ${i}`);
  const at = await Promise.race([pong, new Promise<number>((_r, reject) => setTimeout(() => reject(new Error('raw pong lost')), 10_000))]);
  a.onText = b.onText = undefined;
  return at - started;
}

const textFrom = (w: VideoCallWidget, text: string) => nextEvent(w, 'vcw-message', (e) => !e.detail.message.self && e.detail.message.text === text);

async function widgetRoundTrip(a: VideoCallWidget, b: VideoCallWidget, c: VideoCallWidget, i: number) {
  const atB = textFrom(b, `ping ${i}`);
  const atC = textFrom(c, `ping ${i}`);
  const pong = textFrom(a, `pong ${i}`);
  void atB.then(() => b.sendMessage(`pong ${i}`));
  const started = performance.now();
  await a.sendMessage(`ping ${i}`);
  const [tb, tc] = await Promise.all([atB.then(() => performance.now()), atC.then(() => performance.now())]);
  await pong;
  return { roundTrip: performance.now() - started, fanOut: Math.max(tb, tc) - started };
}

/**
 * Signatures each widget has received from the others (their `sig` frames, read on its data connections: internal).
 * A widget signs its messages once the page is idle, after they went out; the burst below waits for those too, so
 * that no signing of one burst runs into the next measurement.
 */
function countSignatures(ws: VideoCallWidget[]): () => number {
  let n = 0;
  for (const w of ws) {
    const call = (w as unknown as { call: { remotes: Map<string, { data: { on(e: 'data', fn: (d: unknown) => void): void } }> } }).call;
    for (const { data } of call.remotes.values()) {
      data.on('data', (d) => {
        const frame = d as { t?: unknown; sigs?: unknown[] };
        if (frame.t === 'sig' && Array.isArray(frame.sigs)) n += frame.sigs.length;
      });
    }
  }
  return () => n;
}

/** Messages/s until every widget holds every message, and until every signature arrived as well. */
async function widgetBurst(ws: VideoCallWidget[], r: number, signatures: () => number): Promise<{ delivered: number; signed: number }> {
  // Count `vcw-message` events, not `messages`: the log keeps the last 1000 and these bursts add up past that. The
  // burst ends when the last message arrives (timed in the listener, not when the polling below notices).
  const counts = ws.map(() => 0);
  let lastAt = 0;
  const prefix = `${TEXT} ${r}.`;
  const listeners = ws.map((w, k) => {
    const listener = (e: GlobalEventHandlersEventMap['vcw-message']) => {
      if (!e.detail.message.text.startsWith(prefix)) return;
      counts[k]!++;
      lastAt = performance.now();
    };
    w.addEventListener('vcw-message', listener);
    return listener;
  });
  const sigsBefore = signatures();
  const started = performance.now();
  ws.forEach((w, k) => {
    for (let m = 0; m < PER_PEER; m++) void w.sendMessage(`${prefix}${k}.${m}`);
  });
  try {
    await waitFor(() => counts.every((n) => n >= ws.length * PER_PEER), 'every widget holds every burst message', 60_000);
  } finally {
    ws.forEach((w, k) => w.removeEventListener('vcw-message', listeners[k]!));
  }
  // Each message's signature reaches the other two widgets.
  const sigs = ws.length * PER_PEER * (ws.length - 1);
  await waitFor(() => signatures() - sigsBefore >= sigs, 'every signature of the burst arrived', 60_000);
  const signedAt = performance.now();
  const n = ws.length * PER_PEER;
  return { delivered: (n / (lastAt - started)) * 1000, signed: (n / (signedAt - started)) * 1000 };
}

async function rawBurst(peers: RawPeer[], r: number): Promise<number> {
  const target = peers.map((p) => p.received + (peers.length - 1) * PER_PEER);
  const started = performance.now();
  peers.forEach((p, k) => {
    for (let m = 0; m < PER_PEER; m++) rawSend(p, String(k), `${TEXT} ${r}.${k}.${m}`);
  });
  await waitFor(() => peers.every((p, k) => p.received >= target[k]!), 'every raw peer holds every burst message', 60_000);
  return ((peers.length * PER_PEER) / (Math.max(...peers.map((p) => p.lastAt)) - started)) * 1000;
}

const FILE_BYTES = 5 * 1024 * 1024;
const FILE_RUNS = 5;

function randomBytes(n: number): Uint8Array<ArrayBuffer> {
  const data = new Uint8Array(n);
  for (let i = 0; i < n; i += 65536) crypto.getRandomValues(data.subarray(i, Math.min(n, i + 65536)));
  return data;
}

/** Widget: A shares a file; MB/s = file size / time until both B and C hold it verified. */
async function widgetFile(a: VideoCallWidget, b: VideoCallWidget, c: VideoCallWidget, bytes: Uint8Array<ArrayBuffer>, r: number): Promise<number> {
  const file = new File([bytes], `bench-${r}.bin`);
  const got = [b, c].map((w) => nextEvent(w, 'vcw-file', (e) => e.detail.file.fileName === file.name, 120_000));
  const started = performance.now();
  await a.sendFile(file);
  await Promise.all(got);
  return FILE_BYTES / 1e6 / ((performance.now() - started) / 1000);
}

/** Floor: the same bytes over two bare binary RTCDataChannels (A→B, A→C), 16 KiB chunks, the same back-pressure. */
async function rawFile(bytes: Uint8Array<ArrayBuffer>): Promise<number> {
  const pcs: RTCPeerConnection[] = [];
  const senders: RTCDataChannel[] = [];
  const received: number[] = [0, 0];
  let lastAt = 0;
  for (const k of [0, 1]) {
    const { pcs: pair, ends: [out, into] } = await rawPair('file');
    pcs.push(...pair);
    into.binaryType = 'arraybuffer';
    into.onmessage = (e: MessageEvent<ArrayBuffer>) => {
      received[k] = received[k]! + e.data.byteLength;
      lastAt = performance.now();
    };
    senders.push(out);
  }
  await waitFor(() => senders.every((ch) => ch.readyState === 'open'), 'raw file channels open');
  const started = performance.now();
  await Promise.all(senders.map(async (ch) => {
    ch.bufferedAmountLowThreshold = 64 * 1024;
    for (let at = 0; at < bytes.length; at += 16 * 1024) {
      if (ch.bufferedAmount > 256 * 1024) await new Promise((resolve) => ch.addEventListener('bufferedamountlow', resolve, { once: true }));
      ch.send(bytes.subarray(at, Math.min(bytes.length, at + 16 * 1024)));
    }
  }));
  await waitFor(() => received.every((n) => n >= bytes.length), 'raw receivers hold the whole file', 60_000);
  // Until the last chunk arrived (timed as it arrives, not when the polling notices).
  const mbps = FILE_BYTES / 1e6 / ((lastAt - started) / 1000);
  pcs.forEach((pc) => pc.close());
  return mbps;
}

/**
 * What signing costs per chat message (src/trust/signing.ts): an ECDSA P-256 / SHA-256 signature by the sender and
 * its check by each receiver, on the same bytes the widget signs, in this page's WebCrypto. µs per operation.
 */
async function signingCost(n = 300): Promise<{ signUs: number[]; verifyUs: number[] }> {
  const EC = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
  const pair = (await crypto.subtle.generateKey(EC, false, ['sign', 'verify'])) as CryptoKeyPair;
  const signUs: number[] = [];
  const verifyUs: number[] = [];
  for (let i = 0; i < n; i++) {
    const data = new TextEncoder().encode(JSON.stringify([crypto.randomUUID(), Date.now(), i, TEXT]));
    let t = performance.now();
    const sig = await crypto.subtle.sign(EC, pair.privateKey, data);
    signUs.push((performance.now() - t) * 1000);
    t = performance.now();
    if (!(await crypto.subtle.verify(EC, pair.publicKey, sig, data))) throw new Error('signature did not check');
    verifyUs.push((performance.now() - t) * 1000);
  }
  return { signUs, verifyUs };
}

describe('chat', function () {
  this.timeout(5 * 60_000);
  after(stopAllServers);
  it(`round trip (n=${RUNS}) and messages/s (n=${BURSTS}) between 3 peers`, async () => {
    const server = await startServer();
    await loadWidget(server);
    const room = uniqueRoom('chat');
    const ws: VideoCallWidget[] = [];
    for (const name of ['A', 'B', 'C']) {
      // Cameras and microphones off: six video encoders and decoders in this one page would take most of the two
      // cores and swing every figure here (widget and floor alike) from run to run; chat and files do not need them.
      const w = addWidget(server, room, { 'display-name': name, 'auto-join': '', audio: 'off', video: 'off' });
      await waitFor(() => w.state === 'joined', `${name} joined`);
      ws.push(w);
    }
    const [a, b, c] = ws as [VideoCallWidget, VideoCallWidget, VideoCallWidget];
    await waitFor(() => ws.every((w) => remotes(w).length === 2 && remotes(w).every((p) => p.connection === 'connected')), 'three-way call up', 60_000);
    const raw = await rawMesh();

    const rt = { widget: [] as number[], floor: [] as number[], fanOut: [] as number[] };
    for (let i = 0; i < RUNS; i++) {
      // Interleaved, so both see the same machine load.
      rt.floor.push(await rawRoundTrip(raw.peers, i));
      const w = await widgetRoundTrip(a, b, c, i);
      rt.widget.push(w.roundTrip);
      rt.fanOut.push(w.fanOut);
    }
    const rate = { widget: [] as number[], signed: [] as number[], floor: [] as number[] };
    const signatures = countSignatures(ws);
    for (let r = 0; r < BURSTS; r++) {
      rate.floor.push(await rawBurst(raw.peers, r));
      const { delivered, signed } = await widgetBurst(ws, r, signatures);
      rate.widget.push(delivered);
      rate.signed.push(signed);
    }
    const file = { widget: [] as number[], floor: [] as number[] };
    const bytes = randomBytes(FILE_BYTES);
    for (let r = 0; r < FILE_RUNS; r++) {
      file.floor.push(await rawFile(bytes));
      file.widget.push(await widgetFile(a, b, c, bytes, r));
    }
    const signing = await signingCost();
    raw.close();
    await Promise.all(ws.map((w) => w.leave()));
    ws.forEach((w) => w.remove());

    const rtW = stats(rt.widget);
    const rtF = stats(rt.floor);
    const rateW = stats(rate.widget);
    const rateF = stats(rate.floor);
    await record('chat', {
      roundTripMs: { widget: rtW, floor: rtF, ratio: ratio(rtW.median, rtF.median) },
      fanOutMs: { widget: stats(rt.fanOut) },
      messagesPerSecond: { burst: `3 peers × ${PER_PEER} messages of ~${TEXT.length} chars at once`, widget: rateW, floor: rateF, ratio: ratio(rateW.median, rateF.median) },
      // Until the signatures (made once the page is idle) arrived too: what the whole burst costs the widgets.
      signedPerSecond: { widget: stats(rate.signed), ratio: ratio(stats(rate.signed).median, rateF.median) },
      signing: {
        what: 'ECDSA P-256 (WebCrypto) per chat message: one signature by the sender, one check per receiver (n = 300)',
        signUs: stats(signing.signUs),
        verifyUs: stats(signing.verifyUs),
      },
      fileThroughput: {
        what: `A shares a ${FILE_BYTES / 1024 / 1024} MiB file with B and C; MB/s = size / time until both hold it (widget: verified by SHA-256)`,
        widget: stats(file.widget),
        floor: stats(file.floor),
        ratio: ratio(stats(file.widget).median, stats(file.floor).median),
      },
    });
  });
});
