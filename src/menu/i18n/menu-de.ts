// German strings of the More menu. Loaded only when the menu first opens in German (its own chunk).
import type { MenuOwnStrings } from '../strings.js';

const table: MenuOwnStrings = {
  layoutSpeaker: 'Sprecheransicht',
  copyInvite: 'Einladungslink kopieren',
  shareInvite: 'Einladungslink teilen',
  inviteCopied: 'Einladungslink kopiert.',
};
export default table;
