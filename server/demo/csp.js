// The strict-CSP demo page: lists Content-Security-Policy violations, and in test mode (`?test=1&room=…`) drives
// two widgets through join, a connected call and chat, then tells the embedding test page what happened.
// `&control=1` deliberately breaks the policy (inline style, eval, an HTML sink without Trusted Types, a request to
// an unlisted origin) so the test
// can show that violations are caught at all.
const violations = [];
const list = document.getElementById('violations');
document.addEventListener('securitypolicyviolation', (e) => {
  violations.push({ directive: e.effectiveDirective, blocked: e.blockedURI, sample: e.sample, source: e.sourceFile });
  const item = document.createElement('li');
  item.textContent = `${e.effectiveDirective}: ${e.blockedURI || e.sample}`;
  list.append(item);
});

const params = new URLSearchParams(location.search);
const room = params.get('room') || 'csp-demo';
const [first, second] = document.querySelectorAll('video-call-widget');

async function until(condition, what, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function selfTest() {
  await customElements.whenDefined('video-call-widget');
  for (const w of [first, second]) {
    // Explicit, so this page does not depend on how the bundle works out its own origin.
    w.setAttribute('server', location.origin);
    w.setAttribute('room', room);
  }
  // Let the room change settle first (a room change while joining restarts the join).
  await Promise.all([first.updateComplete, second.updateComplete]);
  await first.join();
  await second.join();
  const connected = (w) => w.participants.some((p) => !p.self && p.connection === 'connected');
  await until(() => connected(first) && connected(second), 'both connected');
  first.toggleChat(true);
  second.toggleChat(true);
  await first.sendMessage('hello under a strict CSP');
  const shown = () => second.shadowRoot.querySelector('[part~="chat"]')?.textContent.includes('hello under a strict CSP');
  await until(shown, 'the message shown in the chat panel');
  const videos = [...second.shadowRoot.querySelectorAll('video')].filter((v) => v.srcObject);
  const controlled = [];
  if (params.has('control')) {
    document.body.setAttribute('style', 'outline: 1px solid red');
    try {
      controlled.push(String(eval('1 + 1')));
    } catch (error) {
      controlled.push(error.name);
    }
    try {
      list.innerHTML = '<li>raw HTML</li>';
    } catch (error) {
      controlled.push(error.name);
    }
    // A request to an origin the policy does not list (blocked before anything is sent).
    await fetch('http://127.0.0.2:9/').then(() => controlled.push('fetched'), (error) => controlled.push(error.name));
    await until(() => violations.length >= 4, 'the control violations');
  }
  return { states: [first.state, second.state], chatShown: true, videos: videos.length, controlled };
}

if (params.has('test')) {
  selfTest().then(
    (result) => parent.postMessage({ type: 'vcw-csp-result', ok: true, violations, ...result }, '*'),
    (error) => parent.postMessage({ type: 'vcw-csp-result', ok: false, error: String(error), violations }, '*'),
  );
} else {
  for (const w of [first, second]) {
    w.setAttribute('server', location.origin);
    w.setAttribute('room', room);
  }
}
