import { css } from 'lit';

/** Styles of the pickers, the level meter and the notices; adopted when the devices chunk loads. */
export const devicesStyles = css`
  .pickers { display: flex; flex-wrap: wrap; gap: var(--vcw-gap); justify-content: center; width: min(100%, 480px); }
  .call .pickers { width: 100%; }
  .picker { flex: 1 1 140px; width: auto; font-size: 13px; }
  .picker select { font: inherit; min-width: 0; width: 100%; padding: 6px; border-radius: calc(var(--vcw-radius) / 2); border: 1px solid var(--vcw-border); background: var(--vcw-field); color: inherit; }
  meter { width: min(100%, 480px); height: 10px; }
  .tile.speaking { box-shadow: inset 0 0 0 3px #16a34a; }
  .actions { position: absolute; top: 6px; right: 6px; display: flex; gap: 4px; align-items: center; }
  .actions .icon { min-height: 32px; min-width: 32px; padding: 2px 6px; background: rgb(0 0 0 / 0.6); color: #fff; }
  .quality { position: relative; display: inline-flex; align-items: center; justify-content: center; min-width: 32px; height: 32px; border-radius: 6px; background: rgb(0 0 0 / 0.6); }
  .bars { width: 14px; height: 14px; border-radius: 50%; background: #9ca3af; }
  [data-quality='good'] .bars { background: #22c55e; }
  [data-quality='fair'] .bars { background: #facc15; }
  [data-quality='poor'] .bars { background: #f87171; }
  [data-relay='true'] .bars { outline: 2px dotted #fff; outline-offset: 1px; }
  .details { display: none; position: absolute; top: 36px; right: 0; z-index: 2; width: max-content; max-width: 260px; background: #111827; color: #fff; padding: 4px 8px; border-radius: 6px; font-size: 12px; text-align: left; }
  .quality:hover .details, .quality:focus .details { display: block; }
  .recording { background: var(--vcw-danger); }
  .grid.speaker { grid-template-columns: repeat(auto-fill, minmax(120px, 1fr)); align-content: start; }
  .grid.speaker .main { grid-column: 1 / -1; order: -1; }
  .tile:fullscreen { border-radius: 0; }
  .tile:fullscreen video, .tile.main video { object-fit: contain; }
`;
