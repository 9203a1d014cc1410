// French strings of the More menu. Loaded only when the menu first opens in French (its own chunk).
import type { MenuOwnStrings } from '../strings.js';

const table: MenuOwnStrings = {
  layoutSpeaker: 'Vue orateur',
  copyInvite: 'Copier le lien d’invitation',
  shareInvite: 'Partager le lien d’invitation',
  inviteCopied: 'Lien d’invitation copié.',
};
export default table;
