// The reference: stock PeerServer from the `peer` package, as its README starts it, on loopback.
// Only the concurrent-client limit is raised (its default of 5000 would refuse the capacity load), and an
// `error` listener is added (without one a single malformed frame ends the process; the load sends none).
// Prints "listening <port>" once ready. Usage: PORT=<port> node bench/stock-peerserver.mjs
import { PeerServer } from 'peer';

const port = Number(process.env.PORT);
if (!Number.isInteger(port) || port <= 0) {
  process.stderr.write('stock-peerserver: set PORT to a free port\n');
  process.exit(2);
}

const peerServer = PeerServer({ port, host: '127.0.0.1', path: '/', key: 'peerjs', concurrent_limit: 100_000 }, () => {
  process.stdout.write(`listening ${port}\n`);
});
peerServer.on('error', () => undefined);
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(0));
