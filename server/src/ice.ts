/**
 * ICE servers. Before a member is connected (join and renew answers, a support call's seats) it gets STUN only;
 * TURN credentials go only to a connected member, over its admitted signaling socket ({@link TurnGrants}), so a
 * join that never connects holds no relay allocation. Credentials are short-lived in the TURN REST API format
 * (`<expiry>:<random>`, HMAC-SHA1 with TURN_SECRET); the secret never leaves the server. Nothing third-party.
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { IceServer } from '../../src/protocol/wire.js';
import type { Config } from './config.js';

/** What is safe to hand out before a member is connected: the STUN servers. */
export function iceServersFor(config: Config): IceServer[] {
  return config.stunUrls.length > 0 ? [{ urls: [...config.stunUrls] }] : [];
}

/** A fresh TURN credential valid for TURN_TTL, or none when TURN is not configured. */
export function turnServerFor(config: Config, now = Date.now()): IceServer | null {
  if (config.turnUrls.length === 0 || !config.turnSecret) return null;
  const expiry = Math.floor(now / 1000) + config.turnTtl;
  const username = `${expiry}:${randomBytes(8).toString('hex')}`;
  const credential = createHmac('sha1', config.turnSecret).update(username).digest('base64');
  return { urls: [...config.turnUrls], username, credential };
}

interface Grant {
  readonly server: IceServer;
  /** ms since the epoch */
  readonly expires: number;
}

/**
 * The TURN credential of each connected member: one at a time, handed out again while most of its life is
 * left (so asking often gives no more usernames — coturn's quotas count per username), a fresh one after that.
 * Forgotten when the member's seat goes.
 */
export class TurnGrants {
  private readonly grants = new Map<string, Grant>();

  constructor(private readonly config: Config) {}

  /** The ICE servers for connected member `peerId`: STUN and its TURN credential. */
  for(peerId: string, now = Date.now()): IceServer[] {
    const servers = iceServersFor(this.config);
    let grant = this.grants.get(peerId);
    // Fresh once less than 60% of its life is left: a widget asks at half the life it reads from the username
    // (whole seconds, so up to a second early by our clock), and must then get a new one.
    if (!grant || grant.expires - now < this.config.turnTtl * 600) {
      const server = turnServerFor(this.config, now);
      if (!server) return servers;
      grant = { server, expires: now + this.config.turnTtl * 1000 };
      this.grants.set(peerId, grant);
    }
    return [...servers, grant.server];
  }

  drop(peerId: string): void {
    this.grants.delete(peerId);
  }

  clear(): void {
    this.grants.clear();
  }
}
