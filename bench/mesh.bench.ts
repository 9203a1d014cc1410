// Mesh cost: the whole headless browser while four widgets hold a call in one page for 30 s (see mesh.ts).
import { loadWidget, startServer, stopAllServers } from '../test/helpers.js';
import { HOLD_MS, IDLE_MS, measure, PEOPLE, widgetMesh } from './mesh.js';
import { record } from './record.js';

describe('mesh cost', function () {
  this.timeout(5 * 60_000);
  after(stopAllServers);
  it(`one browser, ${PEOPLE} widgets in one call, ${HOLD_MS / 1000} s`, async () => {
    const server = await startServer();
    await loadWidget(server);
    const idle = await measure(IDLE_MS);
    const mesh = await widgetMesh(server);
    const widget = await measure(HOLD_MS);
    await mesh.close();
    await record('meshWidget', { people: PEOPLE, idle, widget, videosPlaying: mesh.videos });
  });
});
