import { css } from 'lit';

/** Styles of the More menu; they join the element's shadow root when the menu chunk first renders there. */
export const menuStyles = css`
  .menu { position: absolute; bottom: 100%; right: 0; z-index: 2; display: grid; min-width: 210px; padding: 4px; background: var(--vcw-tile); border-radius: var(--vcw-radius); box-shadow: 0 4px 16px #0006; }
  .menu button { text-align: start; background: none; }
  .menu button:hover, .menu button:focus { background: var(--vcw-surface); }
  .menu [aria-checked='true']::after { content: ' ✓'; }
`;
