// Run inside a test network namespace: evaluate an expression in the Chromium page listening for DevTools on
// that namespace's loopback, and print the value as JSON. Usage: node netns-eval.mjs <port> <expression>
import WebSocket from 'ws';

const [port, expression] = process.argv.slice(2);
const targets = await (await fetch(`http://127.0.0.1:${port}/json`, { signal: AbortSignal.timeout(5000) })).json();
const page = targets.find((t) => t.type === 'page');
if (!page) throw new Error('no page in the far browser');
const ws = new WebSocket(page.webSocketDebuggerUrl);
await new Promise((resolve, reject) => {
  ws.once('open', resolve);
  ws.once('error', reject);
});
ws.send(JSON.stringify({ id: 1, method: 'Runtime.evaluate', params: { expression, returnByValue: true, awaitPromise: true } }));
const timer = setTimeout(() => {
  console.error('no answer from the far page');
  process.exit(1);
}, 8000);
ws.on('message', (raw) => {
  const message = JSON.parse(String(raw));
  if (message.id !== 1) return;
  clearTimeout(timer);
  const result = message.result?.result;
  if (message.result?.exceptionDetails) {
    console.error(JSON.stringify(message.result.exceptionDetails));
    process.exit(1);
  }
  process.stdout.write(JSON.stringify(result?.value ?? null));
  ws.close();
});
