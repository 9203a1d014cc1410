import { css } from 'lit';

// The launcher and the desk. The launcher's host takes no room in the page: the button floats in a corner (inside
// the safe area, above the page's own bottom bar when `--vcw-launcher-offset` says so); its panel floats above it,
// and on a phone takes the whole screen while open, so nothing of the page sits under a half-visible call.
export const supportStyles = css`
  :host([mode='launcher']) { min-height: 0; display: contents; }
  :host([mode='launcher']) {
    --vcw-launcher-size: 56px;
    --vcw-launcher-offset: 20px;
    --vcw-panel-width: 380px;
    --vcw-panel-height: 600px;
  }
  .launcher { font: 15px/1.4 var(--vcw-font); color: var(--vcw-foreground); }
  .launcher-button {
    position: fixed;
    z-index: 2147483000;
    right: max(var(--vcw-launcher-offset), env(safe-area-inset-right));
    bottom: max(var(--vcw-launcher-offset), env(safe-area-inset-bottom));
    display: flex;
    align-items: center;
    gap: 8px;
    height: var(--vcw-launcher-size);
    min-width: var(--vcw-launcher-size);
    padding: 0 16px;
    border-radius: calc(var(--vcw-launcher-size) / 2);
    background: var(--vcw-accent);
    color: #fff;
    box-shadow: 0 4px 16px rgb(0 0 0 / 0.25);
  }
  :host([position='left']) .launcher-button { right: auto; left: max(var(--vcw-launcher-offset), env(safe-area-inset-left)); }
  .launcher-button.offline { background: #4b5563; }
  .panel {
    position: fixed;
    z-index: 2147483001;
    right: max(var(--vcw-launcher-offset), env(safe-area-inset-right));
    bottom: calc(var(--vcw-launcher-offset) + var(--vcw-launcher-size) + 12px);
    width: min(var(--vcw-panel-width), calc(100vw - 2 * var(--vcw-launcher-offset)));
    height: min(var(--vcw-panel-height), calc(100vh - var(--vcw-launcher-size) - 3 * var(--vcw-launcher-offset)));
    display: flex;
    flex-direction: column;
    background: var(--vcw-background);
    border-radius: var(--vcw-radius);
    box-shadow: 0 8px 32px rgb(0 0 0 / 0.3);
    overflow: hidden;
  }
  :host([position='left']) .panel { right: auto; left: max(var(--vcw-launcher-offset), env(safe-area-inset-left)); }
  .panel-head { display: flex; align-items: center; justify-content: space-between; gap: 8px; padding: 8px 8px 8px 16px; background: var(--vcw-accent); color: #fff; font-weight: 600; }
  .panel-head .close { background: transparent; color: inherit; font-size: 22px; min-width: 40px; padding: 0; }
  .panel-body { flex: 1; min-height: 0; overflow: auto; display: flex; flex-direction: column; }
  .panel-body > * { flex: 1; }
  @media (max-width: 480px) {
    .panel { inset: 0; width: 100vw; height: 100dvh; border-radius: 0; }
    :host([position='left']) .panel { left: 0; }
    .launcher-button .launcher-label { display: none; }
    .launcher-button { padding: 0; justify-content: center; }
  }
  .waiting .tile, .support-note .tile { width: min(100%, 320px); }
  .position { font-weight: 600; }
  .dots { display: flex; gap: 6px; }
  .dots span { width: 8px; height: 8px; border-radius: 50%; background: var(--vcw-accent); animation: vcw-pulse 1.4s infinite ease-in-out; }
  .dots span:nth-child(2) { animation-delay: 0.2s; }
  .dots span:nth-child(3) { animation-delay: 0.4s; }
  @keyframes vcw-pulse { 0%, 80%, 100% { opacity: 0.25; } 40% { opacity: 1; } }
  .button { display: inline-flex; align-items: center; min-height: 40px; padding: 8px 14px; border-radius: var(--vcw-radius); background: var(--vcw-surface); color: inherit; text-decoration: none; }
  .agent-message { margin: 0; padding: 8px 12px; border-left: 3px solid var(--vcw-accent); background: var(--vcw-tile); border-radius: 4px; white-space: pre-wrap; overflow-wrap: anywhere; }
  .desk { display: grid; grid-template-columns: minmax(260px, 340px) minmax(0, 1fr); align-items: start; }
  .desk .queue { display: flex; flex-direction: column; gap: var(--vcw-gap); min-width: 0; }
  .desk h2 { font-size: 17px; margin: 0; display: flex; gap: 8px; align-items: center; }
  .desk .count { background: var(--vcw-surface); border-radius: 10px; padding: 0 8px; font-size: 14px; }
  .visitors { list-style: none; margin: 0; padding: 0; display: grid; gap: var(--vcw-gap); }
  .visitor { display: grid; grid-template-columns: 96px minmax(0, 1fr); gap: 10px; padding: 10px; background: var(--vcw-tile); border-radius: var(--vcw-radius); }
  .thumb { width: 96px; aspect-ratio: 4 / 3; border-radius: calc(var(--vcw-radius) / 2); background: var(--vcw-surface); display: grid; place-items: center; overflow: hidden; font-size: 13px; text-align: center; }
  .thumb img { width: 100%; height: 100%; object-fit: cover; transform: scaleX(-1); }
  .who { display: flex; flex-direction: column; gap: 4px; min-width: 0; overflow-wrap: anywhere; }
  .waited, .page, .context { font-size: 13px; }
  .context { display: grid; grid-template-columns: auto minmax(0, 1fr); gap: 0 8px; margin: 0; }
  .context dt { font-weight: 600; }
  .context dd { margin: 0; }
  .row.start { justify-content: flex-start; }
  .notice { margin: 0; color: var(--vcw-danger); font-size: 13px; }
  .desk-call { display: flex; flex-direction: column; gap: var(--vcw-gap); min-width: 0; }
  .desk-bar { display: flex; flex-wrap: wrap; gap: var(--vcw-gap); align-items: center; justify-content: space-between; }
  .desk-offline { margin: 0; padding: 6px 10px; border-radius: 6px; background: var(--vcw-surface); }
  a { color: inherit; }
  @media (max-width: 720px) { .desk { grid-template-columns: minmax(0, 1fr); } }
`;
