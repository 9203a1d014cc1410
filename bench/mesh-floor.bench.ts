// Mesh cost floor: the whole headless browser while a raw four-way RTCPeerConnection mesh runs in one page for
// 30 s (see mesh.ts). The widget bundle is loaded too, so the idle page matches mesh.bench.ts.
import { loadWidget, startServer, stopAllServers } from '../test/helpers.js';
import { HOLD_MS, IDLE_MS, measure, PEOPLE, rawMesh } from './mesh.js';
import { record } from './record.js';

describe('mesh cost floor', function () {
  this.timeout(5 * 60_000);
  after(stopAllServers);
  it(`one browser, raw ${PEOPLE}-way mesh, ${HOLD_MS / 1000} s`, async () => {
    const server = await startServer();
    await loadWidget(server);
    const idle = await measure(IDLE_MS);
    const raw = await rawMesh();
    const floor = await measure(HOLD_MS);
    raw.close();
    await record('meshFloor', { people: PEOPLE, idle, floor });
  });
});
