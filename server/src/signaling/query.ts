/**
 * The signaling URL's query, read one way for everyone. PeerJS opens `…/peerjs?key=K&id=I&token=T&version=V`;
 * the upgrade guard and PeerServer must agree on which id and token a socket presents, and they read repeated
 * parameters differently (the first and the last). So a query is taken only when each parameter appears once,
 * under its plain name, and is one of those PeerJS sends; anything else is refused before the upgrade.
 */

/** The parameters a PeerJS client sends, each at most once. */
const KNOWN = new Set(['key', 'id', 'token', 'version']);

export interface SignalingQuery {
  readonly key: string | undefined;
  readonly id: string | undefined;
  readonly token: string | undefined;
}

/**
 * The query of a signaling request URL, or null when it is odd: a parameter repeated, an unknown one, a name
 * spelled with escapes (`%69d`), one without `=`. Missing parameters are not odd here (the ticket check refuses
 * them). Never throws.
 */
export function signalingQuery(url: string | undefined): SignalingQuery | null {
  const raw = url ?? '';
  const at = raw.indexOf('?');
  const search = at < 0 ? '' : raw.slice(at + 1);
  const seen = new Map<string, string>();
  if (search !== '') {
    for (const part of search.split('&')) {
      const eq = part.indexOf('=');
      if (eq < 1) return null;
      const name = part.slice(0, eq);
      if (!KNOWN.has(name) || seen.has(name)) return null;
      let value: string;
      try {
        value = decodeURIComponent(part.slice(eq + 1).replace(/\+/g, ' '));
      } catch {
        return null;
      }
      seen.set(name, value);
    }
  }
  // What PeerServer will read (URLSearchParams, last one wins) must be what we read: with every name once and
  // plain, it is; checked anyway, so a difference between the two parsers can never slip through.
  let theirs: URLSearchParams;
  try {
    theirs = new URL(raw, 'http://signal').searchParams;
  } catch {
    return null;
  }
  for (const name of KNOWN) if (theirs.getAll(name).length > 1 || (theirs.get(name) ?? undefined) !== seen.get(name)) return null;
  if ([...theirs.keys()].length !== seen.size) return null;
  return { key: seen.get('key'), id: seen.get('id'), token: seen.get('token') };
}
