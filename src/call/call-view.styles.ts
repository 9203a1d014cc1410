import { css } from 'lit';

/**
 * Styles of the in-call view; adopted by the element when the call chunk loads. The More menu's and the file cards'
 * come with their chunks (`menu/menu.styles.ts`, `files/files.styles.ts`).
 */
export const callStyles = css`
  .call { position: relative; }
  .sr-only { position: absolute; width: 1px; height: 1px; margin: -1px; padding: 0; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0; }
  .chat .icon { min-height: 0; padding: 2px 8px; background: none; }
  .stage { flex: 1; display: flex; gap: var(--vcw-gap); min-height: 0; }
  .grid {
    flex: 1;
    display: grid;
    gap: var(--vcw-gap);
    grid-template-columns: repeat(auto-fit, minmax(min(100%, 220px), 1fr));
    align-content: center;
  }
  .grid[data-count='1'] { grid-template-columns: 1fr; }
  .grid[data-count='3'], .grid[data-count='4'] { grid-template-columns: repeat(auto-fit, minmax(min(100%, 160px), 1fr)); }
  .tile.screen video { object-fit: contain; }
  .label {
    position: absolute;
    left: 6px;
    bottom: 6px;
    right: 6px;
    display: flex;
    gap: 6px;
    align-items: center;
    font-size: 13px;
  }
  .name, .tag, .status { color: #fff; }
  .name, .tag { background: rgb(0 0 0 / 0.6); padding: 2px 8px; border-radius: 6px; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
  .status { position: absolute; top: 6px; left: 6px; background: rgb(0 0 0 / 0.6); padding: 2px 8px; border-radius: 6px; font-size: 13px; }
  .controls { display: flex; flex-wrap: wrap; gap: var(--vcw-gap); justify-content: center; align-items: center; }
  .tb svg, .tile svg { fill: none; stroke: currentColor; stroke-width: 2; stroke-linecap: round; stroke-linejoin: round; }
  .tb { display: inline-grid; place-items: center; padding: 8px; min-width: 44px; }
  .more { position: relative; }
  @media (max-width: 400px) { .controls { gap: 4px; } .tb { min-width: 40px; padding: 6px; } }
  .leave { background: var(--vcw-danger); color: #fff; }
  .badge { position: absolute; top: -4px; right: -4px; background: var(--vcw-danger); color: #fff; border-radius: 9px; padding: 0 6px; font-size: 12px; }
  .banner { align-self: center; background: #92400e; color: #fff; padding: 4px 12px; border-radius: var(--vcw-radius); }
  .chat { width: min(320px, 40%); display: flex; flex-direction: column; gap: 6px; background: var(--vcw-tile); border-radius: var(--vcw-radius); padding: 8px; }
  .chat header { display: flex; justify-content: space-between; align-items: center; font-weight: 600; }
  .log { flex: 1; overflow-y: auto; min-height: 80px; border-radius: 4px; }
  .log ol { list-style: none; margin: 0; padding: 0; display: flex; flex-direction: column; gap: 6px; }
  .log p { margin: 0; white-space: pre-wrap; overflow-wrap: anywhere; }
  .log time { opacity: 0.7; font-size: 12px; }
  .log a { color: light-dark(#1d4ed8, #93c5fd); }
  .chat form { display: flex; gap: 6px; align-items: stretch; }
  .chat.dragging { outline: 2px dashed var(--vcw-accent); outline-offset: -4px; }
  .drop-hint { margin: 0; text-align: center; font-size: 13px; }
  .file-error { margin: 0; color: light-dark(#b91c1c, #fca5a5); font-size: 13px; }
  .chat textarea { flex: 1; resize: none; }
  @container (max-width: 520px) { .stage { flex-direction: column; } .chat { width: 100%; } }
  @media (max-width: 520px) { .stage { flex-direction: column; } .chat { width: 100%; } }
`;
