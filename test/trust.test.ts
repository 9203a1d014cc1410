// Names and history nobody can forge (issue 15.2): real Chromium, the real server on loopback, real peers. A hostile
// member is one of the widgets, writing on its real data connections what a modified client could.
import type { ChatMessage, VideoCallWidget } from '../src/index.js';
import { assert, equal } from './assert.js';
import { addWidget, loadWidget, mintRoomToken, nextEvent, remotes, removeWidgets, selfId, startServer, stopAllServers, tileOf, uniqueRoom, waitFor, type TestServer } from './helpers.js';

type Conn = { send(x: unknown): void; on(event: 'data', fn: (data: unknown) => void): void };
/** The widget's data connection to `peer` (internal; used to write as a hostile peer would, and to listen). */
function dataConnection(w: VideoCallWidget, peer: string): Conn {
  const call = (w as unknown as { call: { remotes: Map<string, { data: Conn }> } }).call;
  return call.remotes.get(peer)!.data;
}

/** The chat messages `from` sends `to`, as they cross the wire (alone or together), and the signatures it sends after them (by id). */
function framesFrom(to: VideoCallWidget, from: VideoCallWidget) {
  const chats: Array<Record<string, unknown>> = [];
  const sigs = new Map<string, { cert: string; sig: string }>();
  const sigFrames: number[] = [];
  dataConnection(to, selfId(from)).on('data', (d) => {
    const frame = d as Record<string, unknown>;
    if (frame.t === 'chat') chats.push(frame);
    if (frame.t === 'chats') chats.push(...(frame.items as Array<Record<string, unknown>>));
    if (frame.t === 'sig') {
      const entries = frame.sigs as Array<{ id: string; sig: string }>;
      sigFrames.push(entries.length);
      for (const { id, sig } of entries) sigs.set(id, { cert: frame.cert as string, sig });
    }
  });
  return { chats, sigs, sigFrames };
}

const SECRET = 'trust-test-room-token-secret-0123456789';
const AGENT_KEY = 'trust-test-agent-key-0123456789';
const now = () => Math.floor(Date.now() / 1000);
const root = (w: VideoCallWidget) => w.shadowRoot!;

describe('trust: vouched names, signed chat and history', function () {
  this.timeout(120_000);
  let server: TestServer;
  const widgets: VideoCallWidget[] = [];
  const pageErrors: string[] = [];
  const onRejection = (e: PromiseRejectionEvent) => pageErrors.push(String(e.reason));

  before(async () => {
    server = await startServer({ AGENT_KEY, JOIN_RATE_LIMIT: '100000' });
    await loadWidget(server);
    addEventListener('unhandledrejection', onRejection);
  });
  afterEach(async () => {
    await removeWidgets(widgets);
    equal(pageErrors.splice(0).join(' | '), '', 'no unhandled rejections in the page');
  });
  after(async () => {
    removeEventListener('unhandledrejection', onRejection);
    await stopAllServers();
  });

  async function inACall(s: TestServer, room: string, names: string[]) {
    const added = names.map((name) => addWidget(s, room, { 'display-name': name }));
    widgets.push(...added);
    for (const w of added) await w.join();
    await waitFor(() => added.every((w) => remotes(w).length === added.length - 1 && remotes(w).every((p) => p.connection === 'connected')), 'everyone connected');
    return added;
  }

  it('a member that writes chat, state or hello as someone else is shown as itself', async () => {
    const [mallory, bob, carol] = (await inACall(server, uniqueRoom(), ['Mallory', 'Bob', 'Carol'])) as [VideoCallWidget, VideoCallWidget, VideoCallWidget];
    const toBob = dataConnection(mallory, selfId(bob));
    // Her own tile renamed: ignored, the server named her.
    toBob.send({ v: 1, t: 'state', name: 'Carol', audioMuted: true, videoMuted: false, screenSharing: false });
    toBob.send({ v: 1, t: 'hello', name: 'Host (Agent)', audioMuted: true, videoMuted: false, screenSharing: false });
    await waitFor(() => bob.participants.find((p) => p.id === selfId(mallory))?.audioMuted, 'the state itself arrives');
    equal(bob.participants.find((p) => p.id === selfId(mallory))!.name, 'Mallory', 'her tile keeps the vouched name');
    // A chat line "from Carol", unsigned: it came on Mallory's connection, so it is Mallory's.
    toBob.send({ v: 1, t: 'chat', id: 'spoof-1', name: 'Carol', text: 'I approve the wire transfer.', ts: Date.now(), seq: 1 });
    const spoof = await waitFor(() => bob.messages.find((m) => m.id === 'spoof-1'), 'the line arrives');
    equal(spoof.from, selfId(mallory), 'attributed to the connection it came on');
    equal(spoof.name, 'Mallory', 'under the name the server vouched for');
    // Carol's own certificate and signature, lifted from a real message of hers (they follow it in a frame of their
    // own), on other text sent on Mallory's connection: Mallory's line, whatever signature it carries.
    const { chats: carols, sigs } = framesFrom(mallory, carol);
    await carol.sendMessage('Hello from Carol');
    const real = await waitFor(() => carols[0], 'Mallory holds a real message of Carol\'s');
    assert(real.sig === undefined, 'a message goes out before its signature');
    const { cert, sig } = await waitFor(() => sigs.get(real.id as string), 'then its signature');
    assert(typeof cert === 'string' && typeof sig === 'string', 'messages are signed');
    await waitFor(() => bob.messages.some((m) => m.text === 'Hello from Carol'), 'Bob has Carol\'s message');
    toBob.send({ ...real, cert, sig, id: 'spoof-2', text: 'I approve the wire transfer.' });
    const lifted = await waitFor(() => bob.messages.find((m) => m.id === 'spoof-2'), 'the altered line arrives');
    equal(lifted.from, selfId(mallory), 'the altered line is Mallory\'s');
    equal(lifted.name, 'Mallory', 'under her vouched name');
    equal(bob.messages.filter((m) => m.name === 'Carol').map((m) => m.text).join('|'), 'Hello from Carol', 'Carol said only what she said');
  });

  it('history injected for another member is dropped, or shown as relayed and unverified; signed history checks after its author left', async () => {
    const room = uniqueRoom();
    const [mallory, carol] = (await inACall(server, room, ['Mallory', 'Carol'])) as [VideoCallWidget, VideoCallWidget];
    // Carol's messages as they cross the wire, and the signatures she sends after them. Sent together (in one task),
    // they are signed together: their signatures follow in one frame.
    const { chats: carols, sigs, sigFrames } = framesFrom(mallory, carol);
    await Promise.all([0, 1, 2].map((i) => carol.sendMessage(`Carol ${i}`)));
    await waitFor(() => carols.length === 3 && sigs.size === 3 && mallory.messages.length === 3, 'Mallory holds Carol\'s three messages and their signatures');
    assert(carols.every((m) => m.sig === undefined), 'a message goes out before its signature');
    equal(sigFrames.join(','), '3', 'one frame with the three signatures');
    const carolId = selfId(carol);
    const sent: unknown[] = [];
    // Dee joins; Mallory sends her a history batch of her own making when their connection opens.
    const dee = addWidget(server, room, { 'display-name': 'Dee' });
    widgets.push(dee);
    const seen: ChatMessage[] = [];
    dee.addEventListener('vcw-message', (e) => seen.push(e.detail.message));
    await dee.join();
    await waitFor(() => remotes(dee).length === 2 && remotes(dee).every((p) => p.connection === 'connected'), 'Dee connected');
    await waitFor(() => dee.messages.length === 3, 'the genuine history arrives');
    const toDee = dataConnection(mallory, selfId(dee));
    const before = dee.invalidMessages;
    const { cert, sig } = sigs.get(carols[0]!.id as string)!;
    const c0 = { ...carols[0]!, cert, sig };
    const items = [
      // Carol's real message with another text: the signature fails.
      { ...c0, from: carolId, id: 'forged-1', text: 'Carol: I approve the wire transfer.', seq: 50 },
      // Carol's certificate credited to another id: the certificate is not theirs.
      { ...c0, from: selfId(mallory), id: 'forged-2', seq: 51 },
      // Not signed at all, "from Carol" and "from the host": kept, but marked as relayed by Mallory.
      { id: 'forged-3', from: carolId, name: 'Carol', text: 'unsigned, claimed for Carol', ts: Date.now(), seq: 52 },
      { id: 'forged-4', from: 'f'.repeat(32), name: 'Host (Agent)', text: 'I am the host', ts: Date.now(), seq: 53 },
    ];
    toDee.send({ v: 1, t: 'history', items });
    sent.push(...items);
    await waitFor(() => dee.invalidMessages === before + 2 && dee.messages.length === 5, 'two dropped, two marked');
    for (const id of ['forged-1', 'forged-2']) assert(!dee.messages.some((m) => m.id === id), `${id} dropped`);
    const marked = dee.messages.filter((m) => m.relayedBy);
    equal(marked.map((m) => m.id).sort().join(','), 'forged-3,forged-4', 'the unsigned ones are marked');
    assert(marked.every((m) => m.relayedBy === selfId(mallory)), 'relayed by Mallory');
    equal(marked.find((m) => m.id === 'forged-3')!.name, 'Carol', 'a known member keeps her vouched name');
    assert(dee.messages.filter((m) => m.from === carolId && !m.relayedBy).every((m) => /^Carol \d$/.test(m.text)), 'nothing unmarked is credited to Carol but what she wrote');
    dee.toggleChat(true);
    await dee.updateComplete;
    const line = await waitFor(() => root(dee).querySelector('li[data-id="forged-4"] .relayed-by'), 'the mark shows in the panel');
    assert(line.textContent!.includes('Mallory') && /not verified/.test(line.textContent!), `visible mark: ${line.textContent}`);

    // Carol leaves; Eve gets Carol's messages from Mallory and Dee. Signed: shown as Carol's, unmarked.
    await carol.leave();
    await waitFor(() => remotes(dee).length === 1 && remotes(mallory).length === 1, 'Carol gone');
    const eve = addWidget(server, room, { 'display-name': 'Eve' });
    widgets.push(eve);
    await eve.join();
    await waitFor(() => eve.messages.filter((m) => m.from === carolId).length >= 3, 'Carol\'s history reaches Eve after she left');
    const fromCarol = eve.messages.filter((m) => /^Carol \d$/.test(m.text));
    equal(fromCarol.length, 3, 'all three');
    assert(fromCarol.every((m) => m.from === carolId && m.name === 'Carol' && !m.relayedBy), 'checked against Carol\'s certificate: hers, unmarked');
    assert(!eve.messages.some((m) => m.id === 'forged-1' || m.id === 'forged-2'), 'the forged ones do not travel');
    equal(seen.filter((m) => m.id.startsWith('forged')).length, 2, 'vcw-message only for what entered the log');
  });

  it('with tokens, the token\'s name shows on both ends of an admitted support call, and the agent is marked as host', async () => {
    const tokenServer = await startServer({ ROOM_TOKEN_SECRET: SECRET, AGENT_KEY, JOIN_RATE_LIMIT: '100000' });
    const room = uniqueRoom('shop');
    const hostToken = await mintRoomToken(SECRET, { room, iat: now(), exp: now() + 600, role: 'host', name: 'Ann from Support' });
    const guestToken = await mintRoomToken(SECRET, { room, iat: now(), exp: now() + 600, name: 'Dana Customer' });
    const agent = addWidget(tokenServer, room, { mode: 'desk', token: hostToken, 'display-name': 'typed by the agent' });
    agent.style.height = '640px';
    widgets.push(agent);
    await waitFor(() => root(agent).querySelector('.desk') && !root(agent).querySelector('.desk-offline'), 'the desk is online');
    // The launcher asks whether an agent is online when it arrives: after the desk.
    const visitor = addWidget(tokenServer, room, { mode: 'launcher', token: guestToken, 'display-name': 'typed by the visitor' });
    widgets.push(visitor);
    await waitFor(() => root(visitor).querySelector('.launcher-button:not(.offline)'), 'the launcher is online');
    root(visitor).querySelector<HTMLButtonElement>('.launcher-button')!.click();
    await waitFor(() => visitor.state === 'prejoin', 'the visitor on the pre-join screen');
    const queued = nextEvent(visitor, 'vcw-queue-update');
    (await waitFor(() => root(visitor).querySelector<HTMLButtonElement>('.panel button[type="submit"]'), 'Call button')).click();
    await queued;
    await waitFor(() => agent.waiting.length === 1, 'the desk lists the visitor');
    equal(agent.waiting[0]!.name, 'Dana Customer', 'the desk lists the token\'s name');
    const admitted = nextEvent(visitor, 'vcw-admitted');
    root(agent).querySelector<HTMLButtonElement>(`[data-visitor-id="${agent.waiting[0]!.id}"] .admit`)!.click();
    await admitted;
    await waitFor(() => remotes(agent)[0]?.connection === 'connected' && remotes(visitor)[0]?.connection === 'connected', 'connected to each other');
    const atDesk = remotes(agent)[0]!;
    const atVisitor = remotes(visitor)[0]!;
    equal(atDesk.name, 'Dana Customer', 'the desk sees the visitor under the token\'s name');
    equal(atVisitor.name, 'Ann from Support', 'the visitor sees the agent under the token\'s name');
    equal([atVisitor.role, atDesk.role].join(','), 'host,guest', 'roles');
    equal(agent.participants.find((p) => p.self)!.name, 'Ann from Support', 'the agent\'s own entry');
    equal(visitor.participants.find((p) => p.self)!.name, 'Dana Customer', 'the visitor\'s own entry');
    const tile = await waitFor(() => tileOf(visitor, atVisitor.id), 'the agent\'s tile at the visitor');
    equal(tile.querySelector('.name')!.textContent, 'Ann from Support', 'the tile shows the token\'s name');
    assert(tile.querySelector('[data-badge="host"]'), 'a visible host mark');
    assert(/Host/.test(tile.getAttribute('aria-label') ?? ''), `the tile's accessible name says host: ${tile.getAttribute('aria-label')}`);
    await waitFor(() => root(agent).querySelector('.desk-bar')?.textContent?.includes('Dana Customer'), 'the desk bar names the visitor');
    // Chat lines carry the vouched names too.
    await visitor.sendMessage('hello');
    const line = await waitFor(() => agent.messages.find((m) => m.text === 'hello'), 'the visitor\'s line at the desk');
    equal(line.name, 'Dana Customer', 'chat name');
  });

  it('join() on a desk rejects with forbidden and joins nothing; on a closed launcher it opens the panel and settles on admit or decline', async () => {
    const room = uniqueRoom('shop');
    const agent = addWidget(server, room, { mode: 'desk', 'agent-key': AGENT_KEY, 'display-name': 'Agent Ann' });
    agent.style.height = '640px';
    widgets.push(agent);
    await waitFor(() => root(agent).querySelector('.desk') && !root(agent).querySelector('.desk-offline'), 'the desk is online');
    const health = async () => ((await (await fetch(`${server.url}/healthz`)).json()) as { peers: number }).peers;
    const seatsBefore = await health();
    const refused = await agent.join().then(() => null, (error: unknown) => error as Error & { code?: string });
    assert(refused instanceof Error, 'join() on a desk rejects');
    equal(refused!.code, 'forbidden', 'with a code');
    assert(/desk/.test(refused!.message), `and says why: ${refused!.message}`);
    equal(agent.state, 'idle', 'the desk stays on duty');
    equal(agent.participants.length, 0, 'in no call');
    equal(await health(), seatsBefore, 'no seat taken');
    assert(!root(agent).querySelector('.desk-offline'), 'still online');

    const vera = addWidget(server, room, { mode: 'launcher', 'display-name': 'Vera' });
    widgets.push(vera);
    await waitFor(() => root(vera).querySelector('.launcher-button:not(.offline)'), 'the launcher is online');
    assert(!root(vera).querySelector('.panel'), 'the panel starts closed');
    let settled = false;
    const joined = vera.join().finally(() => (settled = true));
    await waitFor(() => root(vera).querySelector('.panel'), 'join() opens the panel');
    await waitFor(() => agent.waiting.length === 1, 'Vera waits in the queue');
    equal(settled, false, 'join() is pending while she waits');
    root(agent).querySelector<HTMLButtonElement>(`[data-visitor-id="${agent.waiting[0]!.id}"] .admit`)!.click();
    await joined;
    equal(vera.state, 'joined', 'resolved once admitted');
    await waitFor(() => remotes(vera)[0]?.connection === 'connected', 'in the call with the agent');
    await vera.leave();
    await waitFor(() => agent.state === 'idle' && !root(agent).querySelector('.desk-call'), 'the desk is back to its queue');

    const walt = addWidget(server, room, { mode: 'launcher', 'display-name': 'Walt' });
    widgets.push(walt);
    await waitFor(() => root(walt).querySelector('.launcher-button:not(.offline)'), 'Walt\'s launcher is online');
    const declinedJoin = walt.join().then(() => null, (error: unknown) => error as Error & { code?: string });
    await waitFor(() => agent.waiting.some((v) => v.name === 'Walt'), 'Walt waits');
    const card = root(agent).querySelector<HTMLElement>(`[data-visitor-id="${agent.waiting.find((v) => v.name === 'Walt')!.id}"]`)!;
    card.querySelector<HTMLButtonElement>('.decline')!.click();
    const error = await declinedJoin;
    assert(error instanceof Error, 'join() rejects when declined');
    equal(walt.state, 'left', 'and the panel says so');
    assert(root(walt).querySelector('.panel'), 'the panel stays open');
  });
});
