// Join latency: click Join → first remote video frame at the joiner, two widgets on loopback, beside the
// practical floor (two raw RTCPeerConnections in one page exchanging SDP directly). The floor is measured where the
// widget's join happens — in the same page, with the member in its call and the joiner's preview running, right
// before the click — and, for comparison with earlier runs, in an idle page. Prints medians and the ratios.
import { addWidget, loadWidget, remotes, startServer, stopAllServers, tileOf, uniqueRoom, waitFor } from '../test/helpers.js';
import { firstFrame, rawFloor } from './floor.js';
import { ratio, record, stats } from './record.js';

const RUNS = 15;

async function widgetJoin(server: Awaited<ReturnType<typeof startServer>>): Promise<{ widget: number; floor: number }> {
  const room = uniqueRoom('bench');
  const member = addWidget(server, room, { 'display-name': 'Member', 'auto-join': '' });
  await waitFor(() => member.state === 'joined', 'member joined');
  // The camera preview is up before the click (preview="auto"), as on a page whose purpose is the call.
  const joiner = addWidget(server, room, { 'display-name': 'Joiner', preview: 'auto' });
  await waitFor(() => joiner.state === 'prejoin' && joiner.shadowRoot!.querySelector('.prejoin video'), 'pre-join ready');
  // The floor in the page as the widget's join finds it: two cameras open, the member's call running. (In an idle
  // page it is 2–3 times faster on this machine: what the widgets' cameras, previews and level meters take from
  // two cores.)
  const floor = await rawFloor();
  const started = performance.now();
  joiner.shadowRoot!.querySelector<HTMLButtonElement>('button[type="submit"]')!.click();
  const video = await waitFor(() => {
    const id = remotes(joiner)[0]?.id;
    return id ? tileOf(joiner, id)?.querySelector('video') : null;
  }, 'remote video', 15_000);
  const at = await firstFrame(video);
  await Promise.all([joiner.leave(), member.leave()]);
  joiner.remove();
  member.remove();
  return { widget: at - started, floor };
}

describe('join latency', function () {
  this.timeout(10 * 60_000);
  after(stopAllServers);
  it(`click Join → first remote frame, n=${RUNS}`, async () => {
    const server = await startServer();
    await loadWidget(server);
    const widget: number[] = [];
    const floor: number[] = [];
    const floorIdle: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      // Interleaved, so all three see the same machine load.
      floorIdle.push(await rawFloor());
      const run = await widgetJoin(server);
      widget.push(run.widget);
      floor.push(run.floor);
    }
    const w = stats(widget);
    const f = stats(floor);
    const idle = stats(floorIdle);
    await record('joinLatency', { unit: 'ms', widget: w, floor: f, ratio: ratio(w.median, f.median), floorIdle: idle, ratioIdle: ratio(w.median, idle.median), goalRatio: 1.2 });
  });
});
