// A guest on any page (issue 17.2): what an untouched two-line embed costs over its first 10 s (widget JavaScript,
// requests, WebSockets, device calls), and click → first remote frame for a person-like guest — the pointer rests on
// the widget a moment (intent fetches the call and devices chunks) before the click on Join; the camera is asked
// for after the click, inside the measured time — beside the raw floor of the join section.
import { openEmbed } from '../test/embed-probe.js';
import { addWidget, loadWidget, removeWidgets, startServer, stopAllServers, uniqueRoom, waitFor, type TestServer } from '../test/helpers.js';
import type { VideoCallWidget } from '../src/index.js';
import { firstFrame, rawFloor } from './floor.js';
import { ratio, record, stats } from './record.js';

const RUNS = 10;
const UNTOUCHED_MS = 10_000;
/** How long the pointer rests on the widget before the click (a person moving to the button and reading it). */
const REST_MS = 600;
const rest = () => new Promise((resolve) => setTimeout(resolve, REST_MS));

async function untouched(server: TestServer) {
  const page = await openEmbed(server, uniqueRoom('bench'), 'Visitor');
  await waitFor(() => page.now() >= UNTOUCHED_MS, 'ten seconds of an untouched page', UNTOUCHED_MS + 5_000);
  const result = { windowMs: UNTOUCHED_MS, jsBytes: await page.jsBytes(), jsFiles: page.scripts(), requests: page.requests(), ...page.counts() };
  page.frame.remove();
  return result;
}

async function guestJoin(server: TestServer, room: string): Promise<number> {
  const page = await openEmbed(server, room, 'Guest');
  const widget = await waitFor(() => page.widget()?.shadowRoot?.querySelector('.prejoin h2 + p') && page.widget(), 'the card');
  widget.dispatchEvent(new PointerEvent('pointerenter'));
  await rest();
  const started = page.now();
  widget.shadowRoot!.querySelector<HTMLButtonElement>('button[type=submit]')!.click();
  const video = await waitFor(() => widget.shadowRoot!.querySelector<HTMLVideoElement>('.tile:not(.self) video'), 'remote video', 15_000);
  const at = await firstFrame(video);
  await widget.leave();
  page.frame.remove();
  return at - started;
}

describe('guest', function () {
  this.timeout(10 * 60_000);
  const widgets: VideoCallWidget[] = [];
  after(async () => {
    await removeWidgets(widgets);
    await stopAllServers();
  });
  it(`an untouched embed over ${UNTOUCHED_MS / 1000} s; click Join after intent → first remote frame, n=${RUNS}`, async () => {
    const server = await startServer();
    const page = await untouched(server);
    await loadWidget(server);
    const room = uniqueRoom('bench');
    const member = addWidget(server, room, { 'display-name': 'Member', 'auto-join': '' });
    widgets.push(member);
    await waitFor(() => member.state === 'joined', 'member joined');
    const guest: number[] = [];
    const floor: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      floor.push(await rawFloor());
      guest.push(await guestJoin(server, room));
      await waitFor(() => member.participants.length === 1, 'the guest gone before the next run');
    }
    const g = stats(guest);
    const f = stats(floor);
    await record('guest', { untouched: page, join: { unit: 'ms', restMs: REST_MS, widget: g, floor: f, ratio: ratio(g.median, f.median), goalRatio: 1.2 } });
  });
});
