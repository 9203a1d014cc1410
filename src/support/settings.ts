/**
 * The launcher's settings as the site wrote them: `label`, business hours (`hours`, `time-zone`), the fallback
 * (`fallback-url`) and the `context` sent with a knock. Read when needed (a change takes effect at the next
 * render); a value that cannot be used is ignored with one console warning.
 */
import type { WidgetHost } from '../core/host.js';
import { MAX_CONTEXT } from '../protocol/limits.js';
import { isOpen, parseHours, type OpeningRule } from './hours.js';

/** What the settings read of the element: its attributes and its `context` property. */
export type SettingsHost = Pick<WidgetHost, 'element' | 'context'>;

const isObj = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

export class LauncherSettings {
  #warned = '';
  readonly #host: SettingsHost;

  constructor(host: SettingsHost) {
    this.#host = host;
  }

  /** The button's and panel's label (`label`), or null for the default. */
  get label(): string | null {
    return this.#host.element.getAttribute('label') || null;
  }

  /** The business hours as written (`hours`), shown beside "we are offline"; null when none are set. */
  get hours(): string | null {
    return this.#host.element.getAttribute('hours') || null;
  }

  /** Business hours, or null when none are set or they cannot be read (with a warning). */
  get #rules(): OpeningRule[] | null {
    const spec = this.hours;
    if (!spec) return null;
    const parsed = parseHours(spec);
    if ('error' in parsed) {
      this.#warnOnce(`video-call-widget: hours="${spec}" ignored: ${parsed.error}.`);
      return null;
    }
    return parsed.rules;
  }

  get #timeZone(): string | undefined {
    const zone = this.#host.element.getAttribute('time-zone') || undefined;
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: zone });
      return zone;
    } catch {
      this.#warnOnce(`video-call-widget: time-zone="${zone}" is not a time zone; the visitor's own is used.`);
      return undefined;
    }
  }

  /** Within business hours (or none set). */
  get inHours(): boolean {
    const rules = this.#rules;
    return !rules || isOpen(rules, new Date(), this.#timeZone);
  }

  /** The time zone shown with the hours. */
  get zoneLabel(): string {
    return this.#timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
  }

  /** The site's fallback (`fallback-url`: an http(s) or mailto link), if any. */
  get fallback(): string | undefined {
    const url = this.#host.element.getAttribute('fallback-url');
    if (!url) return undefined;
    try {
      if (['http:', 'https:', 'mailto:'].includes(new URL(url, location.href).protocol)) return url;
    } catch {
      // reported below
    }
    this.#warnOnce(`video-call-widget: fallback-url="${url}" must be an http(s) or mailto: link.`);
    return undefined;
  }

  /** What the site passes with a knock: the `context` property, else the attribute's JSON. */
  context(): Record<string, unknown> | undefined {
    let context: unknown = this.#host.context;
    const attribute = this.#host.element.getAttribute('context');
    if (context === undefined && attribute) {
      try {
        context = JSON.parse(attribute);
      } catch {
        this.#warnOnce('video-call-widget: the context attribute is not JSON; it is not sent.');
        return undefined;
      }
    }
    if (context === undefined || context === null) return undefined;
    if (!isObj(context) || JSON.stringify(context).length > MAX_CONTEXT) {
      this.#warnOnce(`video-call-widget: context must be a JSON object of at most ${MAX_CONTEXT} characters; it is not sent.`);
      return undefined;
    }
    return context;
  }

  #warnOnce(text: string): void {
    if (this.#warned.includes(text)) return;
    this.#warned += text;
    console.warn(text);
  }
}
