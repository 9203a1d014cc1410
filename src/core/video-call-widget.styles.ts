import { css } from 'lit';

// Colours are `light-dark(light, dark)`: `color-scheme` picks one — the page's `prefers-color-scheme`, or the
// `theme` attribute. A host page overrides any of them on the element (`video-call-widget { --vcw-accent: … }`).
export const styles = css`
  :host {
    --vcw-accent: #2563eb;
    --vcw-background: light-dark(#fff, #111827);
    --vcw-foreground: light-dark(#111827, #f9fafb);
    --vcw-tile: light-dark(#e5e7eb, #1f2937);
    --vcw-surface: light-dark(#d1d5db, #374151);
    --vcw-field: light-dark(#fff, #0b1220);
    --vcw-border: #6b7280;
    --vcw-danger: #dc2626;
    --vcw-radius: 12px;
    --vcw-gap: 8px;
    --vcw-font: system-ui, sans-serif;
    color-scheme: light dark;
    display: block;
    min-height: 240px;
    color: var(--vcw-foreground);
    font: 15px/1.4 var(--vcw-font);
  }
  :host([theme='light']) { color-scheme: light; }
  :host([theme='dark']) { color-scheme: dark; }
  :host([hidden]) { display: none; }
  * { box-sizing: border-box; }
  [hidden] { display: none !important; }
  .base {
    display: flex;
    flex-direction: column;
    gap: var(--vcw-gap);
    height: 100%;
    min-height: inherit;
    padding: var(--vcw-gap);
    background: var(--vcw-background);
    border-radius: var(--vcw-radius);
  }
  .center { align-items: center; justify-content: center; text-align: center; }
  .row { display: flex; flex-wrap: wrap; gap: var(--vcw-gap); align-items: center; justify-content: center; }
  button {
    font: inherit;
    color: inherit;
    background: var(--vcw-surface);
    border: 0;
    border-radius: var(--vcw-radius);
    padding: 8px 14px;
    min-height: 40px;
    cursor: pointer;
  }
  :focus-visible { outline: 3px solid var(--vcw-accent); outline-offset: 2px; }
  button:disabled { opacity: 0.6; cursor: progress; }
  .primary { background: var(--vcw-accent); color: #fff; }
  .toggle[aria-pressed='true'] { background: var(--vcw-danger); color: #fff; }
  .toggle { min-width: 44px; position: relative; }
  .prejoin { align-items: center; justify-content: center; }
  .prejoin .tile { width: min(100%, 480px); }
  label { display: grid; gap: 4px; width: min(100%, 480px); }
  input, textarea {
    font: inherit;
    padding: 8px 10px;
    border-radius: calc(var(--vcw-radius) / 2);
    border: 1px solid var(--vcw-border);
    background: var(--vcw-field);
    color: inherit;
  }
  .tile {
    position: relative;
    aspect-ratio: 16 / 9;
    background: var(--vcw-tile);
    border-radius: var(--vcw-radius);
    overflow: hidden;
    display: grid;
    place-items: center;
  }
  .tile video { width: 100%; height: 100%; object-fit: cover; }
  .mirror { transform: scaleX(-1); }
  .avatar {
    display: grid;
    place-items: center;
    min-width: 56px;
    min-height: 56px;
    padding: 0 12px;
    border-radius: 28px;
    background: var(--vcw-surface);
    font-size: 24px;
  }
  .prejoin .avatar { font-size: 15px; }
  @media (prefers-reduced-motion: reduce) { * { transition: none !important; animation: none !important; scroll-behavior: auto !important; } }
`;
