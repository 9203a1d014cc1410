// Recovery and detection times (issue "Reliability"), repeated: server restart (down 10 s), departures (leave(),
// a page that goes away, a killed browser, a cut network) and media path failures (a short outage, a lasting one
// that needs a re-dial). The far browser runs in a network namespace of our own (test/support/netns-plugin.mjs).
import { executeServerCommand } from '@web/test-runner-commands';
import type { VideoCallWidget } from '../src/index.js';
import { addFramedWidget, addWidget, loadWidget, nextEvent, remotes, startServer, stopAllServers, waitFor, uniqueRoom, type TestServer } from '../test/helpers.js';
import { record, stats } from './record.js';

interface Space {
  id: string;
  hostIp: string;
}

type Internals = { call: { remotes: Map<string, { media: unknown }> } };
const mediaOf = (w: VideoCallWidget, id: string) => (w as unknown as Internals).call.remotes.get(id)?.media;
const since = (t: number) => performance.now() - t;

describe('reliability benchmark', function () {
  this.timeout(15 * 60_000);
  let space: Space;
  let server: TestServer;
  const results: Record<string, ReturnType<typeof stats>> = {};

  before(async () => {
    space = (await executeServerCommand<Space, Record<string, never>>('vcw-netns-create', {}))!;
    server = await startServer({ HOST: space.hostIp, MAX_PEERS: '8', JOIN_RATE_LIMIT: '100000' });
    await loadWidget(server);
  });
  after(async () => {
    await executeServerCommand('vcw-netns-destroy', { id: space.id });
    await stopAllServers();
    await record('reliability', results);
  });

  async function pair(s: TestServer) {
    const room = uniqueRoom('rb');
    const [a, b] = ['A', 'B'].map((name) => addWidget(s, room, { 'display-name': name, 'auto-join': '' })) as [VideoCallWidget, VideoCallWidget];
    await waitFor(() => remotes(a)[0]?.connection === 'connected' && remotes(b)[0]?.connection === 'connected', 'pair connected');
    return [a, b] as const;
  }

  async function done(...ws: VideoCallWidget[]) {
    await Promise.all(ws.map((w) => w.leave()));
    for (const w of ws) w.remove();
  }

  /** This page's widget, and the far browser dialling it. */
  async function far() {
    const room = uniqueRoom('rbf');
    const w = addWidget(server, room, { 'display-name': 'Near' });
    await w.join();
    await executeServerCommand('vcw-netns-browser', { id: space.id, url: `${server.url}/?room=${room}&name=Far&autojoin=1` });
    const p = await waitFor(() => remotes(w).find((x) => x.connection === 'connected'), 'far connected', 30_000);
    return { w, farId: p.id };
  }

  async function farDone(w: VideoCallWidget) {
    await executeServerCommand('vcw-netns-restore', { id: space.id });
    await executeServerCommand('vcw-netns-kill-browser', { id: space.id });
    await done(w);
  }

  it('server killed and down 10 s: reconnecting shown, registered again after it is back (n=5)', async () => {
    const noticed: number[] = [];
    const recovered: number[] = [];
    for (let i = 0; i < 5; i++) {
      const s = await startServer({ JOIN_RATE_LIMIT: '100000' });
      const [a, b] = await pair(s);
      // From just before the kill command (the widgets see the socket drop while the command waits for the
      // process to exit) to when each widget switched to reconnecting, by its own event.
      const shown: number[] = [];
      for (const w of [a, b]) w.addEventListener('vcw-state-change', (e) => e.detail.state === 'reconnecting' && shown.push(performance.now()), { once: true });
      const killed = performance.now();
      await executeServerCommand('vcw-server-kill', { id: s.id });
      await waitFor(() => a.state === 'reconnecting' && b.state === 'reconnecting' && shown.length === 2, 'reconnecting', 5000);
      noticed.push(Math.max(...shown) - killed);
      await waitFor(() => since(killed) > 10_000, 'ten seconds down', 12_000);
      await startServer({ PORT: String(s.port), STATE_DIR: s.stateDir, JOIN_RATE_LIMIT: '100000' });
      const back = performance.now();
      await waitFor(() => a.state === 'joined' && b.state === 'joined', 'registered again', 15_000);
      recovered.push(since(back));
      await done(a, b);
    }
    results.restartReconnectingShownMs = stats(noticed);
    results.restartRegisteredAfterBackMs = stats(recovered);
  });

  it('leave(): the tile goes at the other side (n=15)', async () => {
    const times: number[] = [];
    for (let i = 0; i < 15; i++) {
      const [a, b] = await pair(server);
      const gone = nextEvent(a, 'vcw-participant-leave');
      const t = performance.now();
      await b.leave();
      await gone;
      times.push(since(t));
      await done(a, b);
    }
    results.leaveNoticedMs = stats(times);
  });

  it('a page that goes away without leave() (n=10)', async () => {
    const times: number[] = [];
    for (let i = 0; i < 10; i++) {
      const room = uniqueRoom('rbc');
      const stay = addWidget(server, room, { 'display-name': 'Stays' });
      await stay.join();
      const frame = addFramedWidget(server, room, 'Goes');
      await waitFor(() => remotes(stay)[0]?.connection === 'connected', 'framed page joined');
      const left = nextEvent(stay, 'vcw-participant-leave');
      const t = performance.now();
      frame.remove();
      await left;
      times.push(since(t));
      await done(stay);
    }
    results.closedPageNoticedMs = stats(times);
  });

  it('a killed browser (n=5) and a cut network (n=5)', async () => {
    /** ms from `command` on the far browser until this page's widget says it left; n times. */
    const noticed = async (command: string): Promise<number[]> => {
      const times: number[] = [];
      for (let i = 0; i < 5; i++) {
        const { w, farId } = await far();
        const left = nextEvent(w, 'vcw-participant-leave', (e) => e.detail.participant.id === farId, 20_000);
        const t = performance.now();
        await executeServerCommand(command, { id: space.id });
        await left;
        times.push(since(t));
        await farDone(w);
      }
      return times;
    };
    results.killedBrowserNoticedMs = stats(await noticed('vcw-netns-kill-browser'));
    results.cutNetworkNoticedMs = stats(await noticed('vcw-netns-cut'));
  });

  it('media path: a short outage recovers on the same call, a lasting one by re-dial (n=5 each)', async () => {
    const shown: number[] = [];
    const shortBack: number[] = [];
    const redialAfter: number[] = [];
    const redialBack: number[] = [];
    for (let i = 0; i < 5; i++) {
      const { w, farId } = await far();
      const call = mediaOf(w, farId);
      await executeServerCommand('vcw-netns-cut', { id: space.id, keepTcpPort: server.port });
      const t = performance.now();
      await waitFor(() => remotes(w)[0]?.connection === 'reconnecting', 'reconnecting', 20_000);
      shown.push(since(t));
      await executeServerCommand('vcw-netns-restore', { id: space.id });
      const r = performance.now();
      await waitFor(() => remotes(w)[0]?.connection === 'connected', 'connected again', 20_000);
      if (mediaOf(w, farId) !== call) throw new Error('a short outage should recover on the same call');
      shortBack.push(since(r));
      await farDone(w);
    }
    for (let i = 0; i < 5; i++) {
      const { w, farId } = await far();
      const call = mediaOf(w, farId);
      await executeServerCommand('vcw-netns-cut', { id: space.id, keepTcpPort: server.port });
      const t = performance.now();
      await waitFor(() => mediaOf(w, farId) && mediaOf(w, farId) !== call, 'a new call', 30_000);
      redialAfter.push(since(t));
      await executeServerCommand('vcw-netns-restore', { id: space.id });
      const r = performance.now();
      await waitFor(() => remotes(w)[0]?.connection === 'connected', 'connected on the new call', 30_000);
      redialBack.push(since(r));
      await farDone(w);
    }
    results.mediaOutageReconnectingShownMs = stats(shown);
    results.mediaOutageRecoveredMs = stats(shortBack);
    results.mediaFailureRedialAfterCutMs = stats(redialAfter);
    results.mediaFailureConnectedAfterPathBackMs = stats(redialBack);
  });
});
