// The signaling server is killed mid-call and comes back: the call goes on, widgets re-register by themselves.
import type { VideoCallWidget } from '../src/video-call-widget.js';
import { assert, equal } from './assert.js';
import { executeServerCommand } from '@web/test-runner-commands';
import { addWidget, framesAdvance, loadWidget, remotes, selfId, startServer, stopAllServers, tileOf, uniqueRoom, waitFor } from './helpers.js';

describe('server restart', function () {
  const widgets: VideoCallWidget[] = [];
  after(async () => {
    await Promise.all(widgets.map((w) => w.leave()));
    await stopAllServers();
  });

  it('keeps the call, re-registers everyone with the same ids, and lets a newcomer in', async () => {
    const first = await startServer();
    await loadWidget(first);
    const room = uniqueRoom();
    const [a, b] = ['Ada', 'Ben'].map((name) => addWidget(first, room, { 'display-name': name, 'auto-join': '' })) as [VideoCallWidget, VideoCallWidget];
    widgets.push(a, b);
    await waitFor(() => remotes(a)[0]?.connection === 'connected' && remotes(b)[0]?.connection === 'connected', 'A and B connected');
    const ids = [selfId(a), selfId(b)];

    await executeServerCommand('vcw-server-kill', { id: first.id });
    await waitFor(() => a.state === 'reconnecting' && b.state === 'reconnecting', 'both show reconnecting', 5000);
    // Media keeps flowing peer to peer while the server is down.
    assert(await framesAdvance(tileOf(a, ids[1]!)!.querySelector('video')!), 'B\'s picture moves at A while the server is down');
    await a.sendMessage('still here');
    await waitFor(() => b.messages.some((m) => m.text === 'still here'), 'chat works while the server is down');

    const second = await startServer({ PORT: String(first.port), STATE_DIR: first.stateDir });
    await waitFor(() => a.state === 'joined' && b.state === 'joined', 'both registered again', 10_000);
    equal(selfId(a), ids[0], 'A kept its id');
    const health = await (await fetch(`${second.url}/healthz`)).json();
    equal(health.peers, 2, 'the new server knows both');
    equal(remotes(a).length, 1, 'no duplicate tiles');
    equal(a.shadowRoot!.querySelectorAll('.tile').length, 2, 'two tiles at A');

    const c = addWidget(second, room, { 'display-name': 'Cy', 'auto-join': '' });
    widgets.push(c);
    await waitFor(() => remotes(c).length === 2 && remotes(c).every((p) => p.connection === 'connected'), 'newcomer connected to both');
    await waitFor(() => remotes(a).length === 2 && remotes(b).length === 2, 'A and B see the newcomer');
  });
});
