// Accessibility and screenshot helpers for the browser tests: axe-core (the real library, served from
// node_modules by the test runner) against the widget's shadow DOM, and PNGs of a widget for docs/screenshots/.
import { executeServerCommand } from '@web/test-runner-commands';

interface AxeResult {
  violations: Array<{ id: string; impact: string; help: string; nodes: Array<{ target: unknown; failureSummary?: string }> }>;
  passes: unknown[];
}
declare global {
  interface Window {
    axe?: { run(context: Element, options: object): Promise<AxeResult> };
  }
}

let loading: Promise<void> | undefined;
function loadAxe(): Promise<void> {
  loading ??= new Promise<void>((resolve, reject) => {
    const script = document.createElement('script');
    script.src = '/node_modules/axe-core/axe.min.js';
    script.onload = () => resolve();
    script.onerror = () => reject(new Error('axe-core did not load'));
    document.head.append(script);
  });
  return loading;
}

/** WCAG 2.1 A and AA rules only (not best practices), on the element and its open shadow root. */
export async function axeViolations(el: Element): Promise<string> {
  await loadAxe();
  const result = await window.axe!.run(el, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }, resultTypes: ['violations'] });
  // resultTypes trims passes to one node each; a run that passed no rule at all checked nothing.
  if (result.passes.length === 0) throw new Error('axe-core passed no rule: it did not see the widget');
  return result.violations
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => `${JSON.stringify(n.target)} ${n.failureSummary ?? ''}`).join('; ')}`)
    .join('\n');
}

/** A PNG of the element's box into docs/screenshots/<name>.png. */
export async function screenshot(el: Element, name: string): Promise<void> {
  el.scrollIntoView();
  const r = el.getBoundingClientRect();
  await executeServerCommand('vcw-screenshot', { name, clip: { x: r.x + scrollX, y: r.y + scrollY, width: r.width, height: r.height } });
}
