/**
 * Static files: the widget bundle (`staticDir`, the built `dist/widget`: `video-call-widget.js` and its hashed
 * chunks) and the demo pages (`demoDir`; `/` is its `index.html`, and `/support` finds `support.html`).
 */
import express, { type Express } from 'express';
import type { Config } from '../config.js';

/** A chunk's name ends in a content hash: cached for good. */
const HASHED_CHUNK = /-[A-Za-z0-9_-]{8}\.js$/;

export function staticFiles(app: Express, config: Pick<Config, 'staticDir' | 'demoDir'>): void {
  app.use(
    express.static(config.staticDir, {
      index: false,
      setHeaders(res, path) {
        // Chunks carry a content hash in their name; the entry file must stay fresh.
        res.set('Cache-Control', HASHED_CHUNK.test(path) ? 'public, max-age=31536000, immutable' : 'no-cache');
      },
    }),
  );
  app.use(express.static(config.demoDir, { extensions: ['html'] }));
}
