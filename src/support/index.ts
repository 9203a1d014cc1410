/**
 * The support chunk: loaded by the element only for `mode="launcher"` and `mode="desk"`
 * (`const { createSupport } = await import('../support/index.js')`).
 */
import type { SupportHandle, WidgetHost } from '../core/host.js';
import { Support } from './support.js';
import { supportStyles } from './support.styles.js';

/** The support flow of `host`, with its styles added to the element's shadow root. */
export function createSupport(host: WidgetHost): SupportHandle {
  const root = host.element.renderRoot;
  const sheet = supportStyles.styleSheet;
  if (root instanceof ShadowRoot && sheet) root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
  return new Support(host);
}
