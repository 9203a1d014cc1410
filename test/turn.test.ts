// TURN for real: Debian's coturn on loopback (configured from deploy/coturn/turnserver.conf, loopback peers
// allowed for the test), our server handing out TURN REST credentials, and two widgets with
// ice-transport="relay" — every PeerJS connection between them must run over a relayed candidate pair.
import { executeServerCommand } from '@web/test-runner-commands';
import type { VideoCallWidget } from '../src/index.js';
import { assert, equal } from './assert.js';
import { addWidget, framesAdvance, loadWidget, remotes, removeWidgets, selfId, startServer, stopAllServers, tileOf, uniqueRoom, waitFor } from './helpers.js';

const SECRET = 'browser-turn-secret-0123456789-abcdefgh';

interface Turn {
  id: string;
  port: number;
}

/** The RTCPeerConnections PeerJS made for one remote participant: its media call and its data connection. */
function peerConnections(w: VideoCallWidget, remoteId: string): RTCPeerConnection[] {
  // Test-only peek into the call controller (private to the element; not part of the public API).
  const call = (w as unknown as { call?: { remotes: Map<string, { media?: { peerConnection?: RTCPeerConnection }; data?: { peerConnection?: RTCPeerConnection } }> } }).call;
  const remote = call?.remotes.get(remoteId);
  return [remote?.media?.peerConnection, remote?.data?.peerConnection].filter((pc): pc is RTCPeerConnection => !!pc);
}

interface PairInfo {
  state: string;
  local: string;
  remote: string;
  localAddress: string;
}

/** The selected candidate pair of a peer connection (from its transport), with both candidate types. */
async function selectedPair(pc: RTCPeerConnection): Promise<PairInfo | null> {
  const stats = await pc.getStats();
  let pairId: string | undefined;
  stats.forEach((s) => {
    if (s.type === 'transport' && s.selectedCandidatePairId) pairId = s.selectedCandidatePairId as string;
  });
  const pair = pairId ? stats.get(pairId) : undefined;
  if (!pair) return null;
  const local = stats.get(pair.localCandidateId);
  const remote = stats.get(pair.remoteCandidateId);
  return { state: pair.state, local: local?.candidateType, remote: remote?.candidateType, localAddress: `${local?.address}:${local?.port}` };
}

async function localCandidateTypes(pc: RTCPeerConnection): Promise<string[]> {
  const types: string[] = [];
  (await pc.getStats()).forEach((s) => {
    if (s.type === 'local-candidate') types.push(s.candidateType as string);
  });
  return types;
}

describe('TURN relay (coturn)', function () {
  const turns: Turn[] = [];
  let widgets: VideoCallWidget[] = [];

  afterEach(async () => {
    await removeWidgets(widgets);
    await stopAllServers();
    await Promise.all(turns.splice(0).map((t) => executeServerCommand('vcw-turn-stop', { id: t.id })));
  });

  async function turnServer(): Promise<Turn> {
    const turn = await executeServerCommand<Turn, { secret: string }>('vcw-turn-start', { secret: SECRET });
    assert(turn, 'coturn started');
    turns.push(turn);
    return turn;
  }

  it('two widgets with ice-transport="relay" call each other through TURN: every selected pair is relay ↔ relay', async () => {
    const turn = await turnServer();
    const server = await startServer({ TURN_URLS: `turn:127.0.0.1:${turn.port}?transport=udp`, TURN_SECRET: SECRET, TURN_TTL: '600' });
    await loadWidget(server);
    const room = uniqueRoom('turn');
    widgets = ['Ada', 'Ben'].map((name) => addWidget(server, room, { 'display-name': name, 'ice-transport': 'relay' }));
    equal(widgets[0]!.iceTransport, 'relay', 'the attribute is reflected in the property');
    for (const w of widgets) await w.join();
    await waitFor(() => widgets.every((w) => remotes(w).length === 1 && remotes(w)[0]!.connection === 'connected'), 'both connected through the relay', 30_000);
    const [a, b] = widgets as [VideoCallWidget, VideoCallWidget];
    assert(await framesAdvance(tileOf(b, selfId(a))!.querySelector('video')!), "A's picture moves at B");
    for (const w of widgets) {
      const pcs = peerConnections(w, remotes(w)[0]!.id);
      equal(pcs.length, 2, 'a media and a data peer connection');
      for (const pc of pcs) {
        equal(pc.getConfiguration().iceTransportPolicy, 'relay', 'relay-only policy reached PeerJS');
        const pair = await waitFor(() => selectedPair(pc), 'a selected candidate pair', 10_000);
        equal(pair.state, 'succeeded', 'the selected pair works');
        equal(pair.local, 'relay', 'local candidate type');
        equal(pair.remote, 'relay', 'remote candidate type');
        assert(pair.localAddress.startsWith('127.0.0.1:'), `relayed address from coturn on loopback: ${pair.localAddress}`);
        assert((await localCandidateTypes(pc)).every((t) => t === 'relay'), 'no host or srflx candidate was even gathered');
      }
    }
    // Chat flows over the relayed data connection too.
    await a.sendMessage('through the relay');
    await waitFor(() => b.messages.some((m) => m.text === 'through the relay'), 'chat over the relay');
    // getStats() and the tile say the media is relayed.
    await waitFor(async () => (await a.getStats())[0]?.usingRelay, 'getStats() says usingRelay');
    const mark = await waitFor(() => a.shadowRoot!.querySelector('[part~="quality"][data-relay="true"]'), 'the quality mark shows the relay');
    assert(/relayed/.test(mark.getAttribute('aria-label') ?? ''), `and says it (${mark.getAttribute('aria-label')})`);
  });

  it('renews TURN credentials during the call: a relay-only newcomer reaches a member whose first credentials expired', async function () {
    this.timeout(150_000);
    const turn = await turnServer();
    // The shortest TURN_TTL the server takes: credentials live 30 s (renewed after 15 s, the widget's shortest wait).
    const server = await startServer({ TURN_URLS: `turn:127.0.0.1:${turn.port}?transport=udp`, TURN_SECRET: SECRET, TURN_TTL: '30' });
    await loadWidget(server);
    const room = uniqueRoom('turn-ttl');
    const a = addWidget(server, room, { 'display-name': 'Early', 'ice-transport': 'relay' });
    widgets = [a];
    await a.join();
    // What PeerJS will hand the next RTCPeerConnection it makes (an answer to a call included).
    const expiry = () => {
      const servers = (a as unknown as { call: { peer: { options: { config: RTCConfiguration } } } }).call.peer.options.config.iceServers ?? [];
      const username = servers.find((s) => typeof s.username === 'string')?.username ?? '';
      return Number(username.split(':')[0]) * 1000;
    };
    const first = expiry();
    assert(first > Date.now(), `the join handed out live TURN credentials (expiry ${new Date(first).toISOString()})`);
    await waitFor(() => expiry() > first, 'the credentials renewed at half their life', 45_000);
    await waitFor(() => Date.now() > first + 2000, 'the first credentials to have expired', 70_000);
    const late = addWidget(server, room, { 'display-name': 'Late', 'ice-transport': 'relay' });
    widgets.push(late);
    await late.join();
    await waitFor(() => remotes(a)[0]?.connection === 'connected' && remotes(late)[0]?.connection === 'connected', 'the newcomer connected to the member through the relay', 30_000);
    for (const pc of peerConnections(a, selfId(late))) {
      const pair = await waitFor(() => selectedPair(pc), 'a selected candidate pair', 10_000);
      equal(pair.local, 'relay', "the member's side of the answered call is relayed");
    }
  });

  it('with credentials coturn does not accept (another secret), relay-only widgets gather no candidate and never connect', async () => {
    const turn = await turnServer();
    const server = await startServer({ TURN_URLS: `turn:127.0.0.1:${turn.port}?transport=udp`, TURN_SECRET: 'not-the-coturn-secret-0123456789-abcdef' });
    await loadWidget(server);
    const room = uniqueRoom('turn-bad');
    widgets = ['Cy', 'Di'].map((name) => addWidget(server, room, { 'display-name': name, 'ice-transport': 'relay' }));
    for (const w of widgets) await w.join();
    const [, d] = widgets as [VideoCallWidget, VideoCallWidget];
    // D dialled C: wait until D's peer connections have finished gathering (coturn answered 401 to both tries).
    const pcs = await waitFor(() => {
      const id = remotes(d)[0]?.id;
      const found = id ? peerConnections(d, id) : [];
      return found.length === 2 && found.every((pc) => pc.iceGatheringState === 'complete') ? found : null;
    }, 'ICE gathering finished at D', 20_000);
    for (const pc of pcs) {
      equal((await localCandidateTypes(pc)).length, 0, 'no candidate at all: the TURN allocation was refused');
      assert(pc.iceConnectionState !== 'connected' && pc.iceConnectionState !== 'completed', `ICE ${pc.iceConnectionState}`);
    }
    assert(widgets.every((w) => remotes(w).every((p) => p.connection !== 'connected')), 'nobody is connected');
  });
});
