// Spanish strings of the More menu. Loaded only when the menu first opens in Spanish (its own chunk).
import type { MenuOwnStrings } from '../strings.js';

const table: MenuOwnStrings = {
  layoutSpeaker: 'Vista de orador',
  copyInvite: 'Copiar enlace de invitación',
  shareInvite: 'Compartir enlace de invitación',
  inviteCopied: 'Enlace de invitación copiado.',
};
export default table;
