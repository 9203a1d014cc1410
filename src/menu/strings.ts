/**
 * The words only the More menu says (its other items are named like the call's buttons: Devices, Record, Full screen),
 * in the menu chunk beside the code that says them. Other languages put the same keys in their own small chunk
 * (`src/menu/i18n/menu-*.ts`), loaded with the menu or when the element's language changes; a host page overrides any
 * of them through the element's `strings` property, like every other string. Read through `Catalog`.
 */
import { Catalog, type StringOverrides } from '../core/strings.js';

const en = {
  layoutSpeaker: 'Speaker view',
  copyInvite: 'Copy invite link',
  shareInvite: 'Share invite link',
  inviteCopied: 'Invite link copied.',
};

export type MenuOwnStrings = typeof en;

// English is built in; every other language is its own small chunk, loaded when it is asked for.
const catalog = new Catalog<MenuOwnStrings>(en, {
  de: () => import('./i18n/menu-de.js'),
  es: () => import('./i18n/menu-es.js'),
  fr: () => import('./i18n/menu-fr.js'),
  ja: () => import('./i18n/menu-ja.js'),
});

/** Loads the table of `lang` if it is a shipped language not asked for yet (see `Catalog.load`). */
export const loadMenuStrings = (lang: string) => catalog.load(lang);

const isKey = (key: string): key is keyof MenuOwnStrings => Object.hasOwn(en, key);

/**
 * The menu's strings in `lang` ("de-AT" → German, English where missing), then the host page's overrides of these keys
 * (`own`, the element's `strings`). A shipped language that is not loaded yet starts loading; `loaded` is called once
 * it is there.
 */
export function menuStrings(lang: string, own: StringOverrides | undefined, loaded: () => void): MenuOwnStrings {
  void catalog.load(lang)?.then(loaded);
  const mine: Partial<MenuOwnStrings> = {};
  for (const [key, value] of Object.entries(own ?? {})) if (isKey(key) && typeof value === 'string') mine[key] = value;
  return catalog.get(lang, mine);
}
