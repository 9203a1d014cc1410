// Test-only preload for a server child process (NODE_OPTIONS="--expose-gc --import=<this file>"): on SIGUSR2 it
// collects garbage and prints one line `{"heapProbe":{rss,heapUsed,...}}`, so a test can read the V8 heap.
process.on('SIGUSR2', () => {
  globalThis.gc?.();
  process.stderr.write(`${JSON.stringify({ heapProbe: process.memoryUsage() })}\n`);
});
