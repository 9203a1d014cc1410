import { css } from 'lit';

/** Styles of a file's card in the chat log; they join the element's shadow root when the files chunk loads. */
export const fileStyles = css`
  .file progress { flex: 1; min-width: 0; }
  .file .row { display: flex; gap: 6px; align-items: center; }
  .file-name { font-weight: 600; overflow-wrap: anywhere; }
  .log .download { display: inline-block; margin-top: 2px; }
`;
