// A browser that denies camera and microphone: the widget says so, offers to join without them, and that works.
import type { VideoCallWidget } from '../../src/index.js';
import { assert, equal, rejects } from '../assert.js';
import { addWidget, loadWidget, nextEvent, remotes, startServer, stopAllServers, uniqueRoom, waitFor, type TestServer } from '../helpers.js';

describe('denied camera and microphone', function () {
  let server: TestServer;
  const widgets: VideoCallWidget[] = [];
  before(async () => {
    server = await startServer();
    await loadWidget(server);
  });
  after(async () => {
    await Promise.all(widgets.map((w) => w.leave()));
    await stopAllServers();
  });

  it('gives permission-denied, then joins without devices when asked', async () => {
    const room = uniqueRoom();
    const w = addWidget(server, room, { 'display-name': 'Private' });
    widgets.push(w);
    const error = nextEvent(w, 'vcw-error');
    const rejection = await rejects(w.join(), 'join with denied devices');
    equal(rejection.code, 'permission-denied', 'join() code');
    equal((await error).detail.code, 'permission-denied', 'vcw-error code');
    equal(w.state, 'error', 'state');
    // The help comes in its own small chunk, loaded for this screen.
    await waitFor(() => /To allow them again: click the icon at the left of the address bar/.test(w.shadowRoot!.querySelector('[part~=error]')?.textContent ?? ''), 'how to allow them again in Chromium');
    assert(!w.media.audioTrack && !w.media.videoTrack, 'holds no device');
    const without = [...w.shadowRoot!.querySelectorAll('button')].find((b) => /without/i.test(b.textContent ?? ''));
    assert(without, 'a "join without camera and microphone" button');
    without.click();
    await waitFor(() => w.state === 'joined', 'joined without devices');
    const p = w.participants.find((x) => x.self)!;
    assert(p.audioMuted && p.videoMuted, 'joined muted with camera off');
    const other = addWidget(server, room, { 'display-name': 'Other', audio: 'off', video: 'off', 'auto-join': '' });
    widgets.push(other);
    await waitFor(() => remotes(other)[0]?.connection === 'connected' && remotes(w)[0]?.connection === 'connected', 'a receive-only call connects');
  });
});
