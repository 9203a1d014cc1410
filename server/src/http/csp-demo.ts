/**
 * The strict-CSP demo page `/csp.html` and where browsers report what its policy blocked (`/csp-report`, logged as
 * warnings in short summaries, at most one a second on average).
 */
import express, { type Express } from 'express';
import type { Logger } from 'pino';
import { Bucket } from '../util/rate-limits.js';

/**
 * The strict Content-Security-Policy of the demo page `/csp.html`: what a careful embedding site may send, and what
 * the widget must work under — no inline script or style, no eval, Trusted Types for script sinks (Lit's own
 * `lit-html` policy is the only one needed). Violations are reported to `/csp-report` (logged as warnings).
 */
export const DEMO_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob: mediastream:",
  "base-uri 'none'",
  "form-action 'self'",
  "require-trusted-types-for 'script'",
  'trusted-types lit-html',
  'report-uri /csp-report',
].join('; ');

export function cspDemo(app: Express, log: Logger): void {
  app.use((req, res, next) => {
    if (req.method === 'GET' && (req.path === '/csp.html' || req.path === '/csp')) res.set('Content-Security-Policy', DEMO_CSP);
    next();
  });
  const reportBudget = new Bucket(60, 1);
  app.post('/csp-report', express.json({ limit: '16kb', type: () => true }), (req, res) => {
    if (!reportBudget.take()) return void res.sendStatus(429);
    const report = (req.body as { 'csp-report'?: Record<string, unknown> } | null)?.['csp-report'];
    const field = (name: string) => String(report?.[name] ?? '').slice(0, 200);
    log.warn({ directive: field('violated-directive'), blocked: field('blocked-uri'), document: field('document-uri'), sample: field('script-sample') }, 'csp violation report');
    res.sendStatus(204);
  });
}
