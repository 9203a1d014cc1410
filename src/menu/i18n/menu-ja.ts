// Japanese strings of the More menu. Loaded only when the menu first opens in Japanese (its own chunk).
import type { MenuOwnStrings } from '../strings.js';

const table: MenuOwnStrings = {
  layoutSpeaker: 'スピーカー表示',
  copyInvite: '招待リンクをコピー',
  shareInvite: '招待リンクを共有',
  inviteCopied: '招待リンクをコピーしました。',
};
export default table;
