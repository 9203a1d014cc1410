// A @web/test-runner plugin that runs Debian's coturn for browser tests (see coturn.mjs):
// `executeServerCommand('vcw-turn-start', { secret, production? })` → `{ id, port, realm }`, `'vcw-turn-stop', { id }`.
// Every coturn still running when the test run ends is stopped, by its PID.
import { startCoturn } from './coturn.mjs';

export function coturnPlugin() {
  const running = new Map();
  let next = 1;
  return {
    name: 'vcw-coturn',
    async executeCommand({ command, payload }) {
      if (command === 'vcw-turn-start') {
        const turn = await startCoturn({ secret: payload.secret, production: !!payload.production });
        const id = String(next++);
        running.set(id, turn);
        return { id, port: turn.port, realm: turn.realm };
      }
      if (command === 'vcw-turn-stop') {
        const turn = running.get(payload.id);
        running.delete(payload.id);
        await turn?.stop();
        return !!turn;
      }
      return undefined;
    },
    async serverStop() {
      await Promise.all([...running.values()].map((turn) => turn.stop()));
      running.clear();
    },
  };
}
