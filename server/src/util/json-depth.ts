/**
 * How deep a parsed JSON value nests: checked on what the room API accepts (a knock's `context`) and on what the
 * signaling relay passes on (PeerServer's relay re-serializes each payload, and one nested a few thousand levels
 * deep makes its JSON.stringify throw and costs the receiver its socket).
 */

/** True when a JSON value nests deeper than `limit` (iterative: a hostile payload cannot blow the stack). */
export function nestsDeeper(value: unknown, limit: number): boolean {
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [item, depth] = stack.pop()!;
    if (typeof item !== 'object' || item === null) continue;
    if (depth >= limit) return true;
    for (const child of Object.values(item)) stack.push([child, depth + 1]);
  }
  return false;
}
