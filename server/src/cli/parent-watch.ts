/**
 * Stop when the process that started us goes away. `npx video-call-widget-server` and `npm start` run the server
 * under `npm → sh -c → node`; a SIGTERM to npm reaches the shell, which dies without passing it on, and the server
 * would live on as an orphan holding the port. Polling the parent id is the portable way to notice (Node has no
 * PR_SET_PDEATHSIG): when it changes, the server was re-parented and `onOrphaned` runs (once).
 * Started under an init system or as PID 1 in a container, the parent never changes and this never fires.
 */
export function watchParent(onOrphaned: () => void, intervalMs = 250): () => void {
  const parent = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(timer);
    onOrphaned();
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
