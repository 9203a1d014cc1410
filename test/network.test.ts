// Real network failures: a second Chromium runs in a network namespace of our own (see
// test/support/netns-plugin.mjs), and we cut its packets with nftables or kill it outright, while this page's
// widget watches.
import { executeServerCommand } from '@web/test-runner-commands';
import type { VideoCallWidget } from '../src/index.js';
import { assert, equal } from './assert.js';
import { addWidget, framesAdvance, loadWidget, nextEvent, remotes, startServer, stopAllServers, tileOf, uniqueRoom, waitFor, type TestServer } from './helpers.js';

interface Space {
  id: string;
  hostIp: string;
  farIp: string;
}

type Connection = { peerConnection: RTCPeerConnection | null } | undefined;
type Internals = { call: { remotes: Map<string, { media: Connection; data: Connection }> } };
const mediaOf = (w: VideoCallWidget, id: string) => (w as unknown as Internals).call.remotes.get(id)?.media;
const dataOf = (w: VideoCallWidget, id: string) => (w as unknown as Internals).call.remotes.get(id)?.data;

/** The far end's port of a peer connection's selected candidate pair (its ICE socket in the namespace). */
/** The selected candidate pair's addresses, for a failure message. */
async function pathOf(pc: RTCPeerConnection): Promise<string> {
  const stats = await pc.getStats();
  const paths: string[] = [];
  stats.forEach((s) => {
    if (s.type !== 'transport' || !s.selectedCandidatePairId) return;
    const pair = stats.get(s.selectedCandidatePairId as string);
    const [local, remote] = [pair && stats.get(pair.localCandidateId), pair && stats.get(pair.remoteCandidateId)];
    paths.push(`${local?.address}:${local?.port} → ${remote?.address}:${remote?.port} (${remote?.protocol}, ${pair?.state})`);
  });
  return paths.join('; ') || 'none selected';
}

async function remotePort(pc: RTCPeerConnection): Promise<number | undefined> {
  const stats = await pc.getStats();
  let port: number | undefined;
  stats.forEach((s) => {
    if (s.type === 'transport' && s.selectedCandidatePairId) {
      const pair = stats.get(s.selectedCandidatePairId as string);
      const remote = pair && stats.get(pair.remoteCandidateId);
      if (remote?.protocol === 'udp') port = remote.port as number;
    }
  });
  return port;
}

describe('network failures (second browser in a network namespace)', function () {
  this.timeout(120_000);
  let space: Space;
  let server: TestServer;
  let near: VideoCallWidget | undefined;

  before(async () => {
    space = (await executeServerCommand<Space, Record<string, never>>('vcw-netns-create', {}))!;
    // The server listens on the host end of the veth pair: both browsers reach it there.
    server = await startServer({ HOST: space.hostIp, MAX_PEERS: '8' });
    await loadWidget(server);
  });
  afterEach(async () => {
    await executeServerCommand('vcw-netns-restore', { id: space.id });
    await executeServerCommand('vcw-netns-kill-browser', { id: space.id });
    await near?.leave();
    near?.remove();
    near = undefined;
  });
  after(async () => {
    await executeServerCommand('vcw-netns-destroy', { id: space.id });
    await stopAllServers();
  });

  /** This page's widget joins first; the far browser joins second, so it is the one that dials (and re-dials). */
  async function farCall(): Promise<{ w: VideoCallWidget; farId: string }> {
    const room = uniqueRoom('net');
    const w = addWidget(server, room, { 'display-name': 'Near' });
    near = w;
    await w.join();
    await executeServerCommand('vcw-netns-browser', { id: space.id, url: `${server.url}/?room=${room}&name=Far&autojoin=1` });
    const far = await waitFor(() => remotes(w).find((p) => p.name === 'Far' && p.connection === 'connected'), 'the far browser connected', 30_000);
    assert(await framesAdvance(tileOf(w, far.id)!.querySelector('video')!), 'the far picture moves');
    return { w, farId: far.id };
  }

  it('a short media outage (ICE disconnected) recovers on the same call', async () => {
    const { w, farId } = await farCall();
    const call = mediaOf(w, farId);
    let departures = 0;
    w.addEventListener('vcw-participant-leave', () => departures++);
    // Signaling (TCP to the server) stays up; everything else between the two ends is dropped.
    await executeServerCommand('vcw-netns-cut', { id: space.id, keepTcpPort: server.port });
    const cutAt = performance.now();
    await waitFor(() => remotes(w)[0]?.connection === 'reconnecting', 'the tile shows reconnecting', 15_000);
    const shown = performance.now() - cutAt;
    await executeServerCommand('vcw-netns-restore', { id: space.id });
    const restoredAt = performance.now();
    await waitFor(() => remotes(w)[0]?.connection === 'connected', 'connected again', 20_000);
    console.log(`short outage: reconnecting shown after ${Math.round(shown)} ms, connected ${Math.round(performance.now() - restoredAt)} ms after the path came back`);
    equal(mediaOf(w, farId), call, 'the same call (no re-dial for a short outage)');
    assert(await framesAdvance(tileOf(w, farId)!.querySelector('video')!), 'the picture moves again');
    equal(departures, 0, 'nobody left');
  });

  it('a lasting media failure makes the dialer dial again, and the call comes back without duplicates', async () => {
    const { w, farId } = await farCall();
    const call = mediaOf(w, farId);
    let departures = 0;
    w.addEventListener('vcw-participant-leave', () => departures++);
    const cutAt = performance.now();
    await executeServerCommand('vcw-netns-cut', { id: space.id, keepTcpPort: server.port });
    // Silence on the data connection while the server still counts the far browser in: it re-dials; the new
    // call cannot connect until the path is back.
    await waitFor(() => mediaOf(w, farId) !== call, 'a new call from the far browser', 20_000);
    const redialAt = performance.now() - cutAt;
    await executeServerCommand('vcw-netns-restore', { id: space.id });
    const restoredAt = performance.now();
    await waitFor(() => remotes(w)[0]?.connection === 'connected', 'connected on the new call', 20_000);
    console.log(`lasting outage: re-dialled ${Math.round(redialAt)} ms after the cut, connected ${Math.round(performance.now() - restoredAt)} ms after the path came back`);
    equal(remotes(w).length, 1, 'one remote participant');
    equal(w.shadowRoot!.querySelectorAll('.tile').length, 2, 'two tiles, no duplicate');
    const old = call as unknown as { open: boolean; peerConnection: RTCPeerConnection | null };
    assert(!old.open && (!old.peerConnection || old.peerConnection.connectionState === 'closed'), 'the old call was closed (no zombie)');
    assert(await framesAdvance(tileOf(w, farId)!.querySelector('video')!), 'the picture moves on the new call');
    equal(departures, 0, 'nobody left');
  });

  it('a media path that fails for good (ICE failed) while the data connection lives is dialled again by the dialer', async () => {
    const { w, farId } = await farCall();
    const call = mediaOf(w, farId);
    const pc = call!.peerConnection!;
    const data = dataOf(w, farId);
    const dataPort = await waitFor(() => remotePort(data!.peerConnection!), 'the data connection\'s far port');
    const dataPath = await pathOf(data!.peerConnection!);
    const states: string[] = [];
    pc.addEventListener('connectionstatechange', () => states.push(pc.connectionState));
    // The two ends see the media failure at moments up to about a second apart. When the far end (the dialer) sees it
    // first, it re-dials at once: its new call replaces the old one here (closed, so this end never reports it failed)
    // and the old data connection is closed (close() fires no state change). What shows that the media path alone
    // broke is that the data connection never went disconnected or failed: no silence to act on.
    const dataStates: string[] = [];
    const dataPc = data!.peerConnection!;
    dataPc.addEventListener('connectionstatechange', () => dataStates.push(dataPc.connectionState));
    let departures = 0;
    w.addEventListener('vcw-participant-leave', () => departures++);
    // Everything between the two ends is dropped but signaling and the data connection's own UDP port: the media
    // connection loses its path, the data connection (heartbeats, chat) does not — no silence to act on.
    await executeServerCommand('vcw-netns-cut', { id: space.id, keepTcpPort: server.port, keepUdpPort: dataPort });
    const cutAt = performance.now();
    const failedHere = () => states.includes('failed');
    await waitFor(() => failedHere() || mediaOf(w, farId) !== call, 'the media connection failed (ICE) at one end', 60_000).catch(async (error: Error) => {
      // Say which path the media connection still had: the cut must leave it none.
      throw new Error(`${error.message}: states ${states.join(',') || 'none'}, now ${pc.connectionState}, path ${await pathOf(pc)}`);
    });
    const failedAfter = performance.now() - cutAt;
    const firstToFail = failedHere() ? 'this end' : 'the far end';
    // It was the media path alone: the data connection's path lived, and the far browser is still there.
    equal(dataStates.join(','), '', `the data connection (kept path ${dataPath}) never lost its path`);
    // The far browser dials again (a new call and data connection); they cannot connect while the cut lasts.
    await waitFor(() => mediaOf(w, farId) !== call, 'a new call from the far browser', 30_000);
    const redialAfter = performance.now() - cutAt;
    await executeServerCommand('vcw-netns-restore', { id: space.id });
    await waitFor(() => remotes(w)[0]?.connection === 'connected', 'connected on the new call', 20_000);
    console.log(`ICE failed ${Math.round(failedAfter)} ms after the media path was cut (${firstToFail} first); re-dialled after ${Math.round(redialAfter)} ms`);
    equal(remotes(w).length, 1, 'one remote participant');
    equal(w.shadowRoot!.querySelectorAll('.tile').length, 2, 'two tiles, no duplicate');
    assert(await framesAdvance(tileOf(w, farId)!.querySelector('video')!), 'the picture moves on the new call');
    equal(departures, 0, 'nobody left');
  });

  it('a killed browser is noticed in under 10 s', async () => {
    const { w, farId } = await farCall();
    const left = nextEvent(w, 'vcw-participant-leave', (e) => e.detail.participant.id === farId, 15_000);
    const started = performance.now();
    await executeServerCommand('vcw-netns-kill-browser', { id: space.id });
    const event = await left;
    const elapsed = performance.now() - started;
    console.log(`killed browser noticed in ${Math.round(elapsed)} ms (${event.detail.reason})`);
    assert(elapsed < 10_000, `noticed in ${Math.round(elapsed)} ms`);
    // It did not say goodbye: lost, not 'left'.
    assert(['disconnected', 'timeout'].includes(event.detail.reason), `reason ${event.detail.reason}`);
    await waitFor(() => !tileOf(w, farId), 'tile removed');
  });

  it('a cut network (signaling too) is noticed in under 10 s, and the server frees the seat', async () => {
    const { w, farId } = await farCall();
    const left = nextEvent(w, 'vcw-participant-leave', (e) => e.detail.participant.id === farId, 15_000);
    const started = performance.now();
    await executeServerCommand('vcw-netns-cut', { id: space.id });
    const event = await left;
    const elapsed = performance.now() - started;
    console.log(`cut network noticed in ${Math.round(elapsed)} ms (${event.detail.reason})`);
    assert(elapsed < 10_000, `noticed in ${Math.round(elapsed)} ms`);
    // It did not say goodbye: lost, not 'left'.
    assert(['disconnected', 'timeout'].includes(event.detail.reason), `reason ${event.detail.reason}`);
    const health = await waitFor(async () => {
      const h = (await (await fetch(`${server.url}/healthz`)).json()) as { peers: number };
      return h.peers === 1 ? h : null;
    }, 'the server to count only this page', 15_000);
    equal(health.peers, 1, 'seat freed');
  });
});
