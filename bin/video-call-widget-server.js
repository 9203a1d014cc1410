#!/usr/bin/env node
// `npx video-call-widget-server`: the signaling server (widget bundle, demo, room API, PeerServer) on one port.
// Configured only by environment variables (PORT, HOST, ROOM_TOKEN_SECRET, … — see the README); it takes no
// arguments, so a process manager's unit file or container spec holds the whole configuration.
import { existsSync } from 'node:fs';

const main = new URL('../server/dist/server/src/main.js', import.meta.url);
const arg = process.argv[2];
if (arg !== undefined) {
  const help = arg === '--help' || arg === '-h';
  (help ? process.stdout : process.stderr).write(
    `${help ? '' : `video-call-widget-server: unexpected argument "${arg}"\n`}` +
      'Usage: [VARIABLE=value …] video-call-widget-server\n' +
      'Configuration comes from the environment only: PORT (9000), HOST, MAX_PEERS, ALLOWED_ORIGINS,\n' +
      'ROOM_TOKEN_SECRET, TOKEN_MAX_TTL, STUN_URLS, TURN_URLS, TURN_SECRET, TURN_TTL, TICKET_SECRET, STATE_DIR,\n' +
      'TICKET_TTL, SEAT_TIMEOUT_MS, PING_INTERVAL_MS, TRUST_PROXY, JOIN_RATE_LIMIT, MAX_SOCKETS_PER_ADDRESS,\n' +
      'MESSAGE_RATE_LIMIT, OFFLINE_QUEUE_LIMIT, OFFLINE_QUEUE_BYTES, AGENT_KEY, MAX_WAITING,\n' +
      'MAX_WAITING_PER_VISITOR (waiting visitors per queue from one address or token subject, 2),\n' +
      'WAITING_TIMEOUT_MS, LOG_LEVEL.\n' +
      'Shared mode (several instances behind a load balancer): REDIS_URL (redis://…; unset = one process),\n' +
      'then TICKET_SECRET and AGENT_KEY are required; INSTANCE_ID (this instance\'s name), REDIS_PREFIX (vcw:),\n' +
      'SEAT_LEASE_MS (15000: a dead instance\'s seats lapse after this), TRUST_PROXY=1 behind the balancer.\n' +
      'See the README for each.\n',
  );
  process.exit(help ? 0 : 64);
}
if (!existsSync(main)) {
  process.stderr.write('video-call-widget-server: the server is not built (server/dist/server/src/main.js is missing); run `npm run build` first.\n');
  process.exit(1);
}
await import(main.href);
