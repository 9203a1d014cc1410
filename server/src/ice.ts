/**
 * ICE servers for a join response: STUN as configured, TURN with short-lived credentials in the TURN REST API
 * format. The TURN secret never leaves the server. Nothing third-party by default.
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { IceServer } from '../../src/protocol/wire.js';
import type { Config } from './config.js';

export function iceServersFor(config: Config, now = Date.now()): IceServer[] {
  const servers: IceServer[] = [];
  if (config.stunUrls.length > 0) servers.push({ urls: [...config.stunUrls] });
  if (config.turnUrls.length > 0 && config.turnSecret) {
    const expiry = Math.floor(now / 1000) + config.turnTtl;
    const username = `${expiry}:${randomBytes(8).toString('hex')}`;
    const credential = createHmac('sha1', config.turnSecret).update(username).digest('base64');
    servers.push({ urls: [...config.turnUrls], username, credential });
  }
  return servers;
}
