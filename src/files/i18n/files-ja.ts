// Japanese strings of file sharing. Loaded only when a call in Japanese first shares or is offered a file (its own chunk).
import type { FileProblemStrings } from '../strings.js';

const table: FileProblemStrings = {
  sent: '送信済み — 開く',
  sending: '送信中',
  receiving: '受信中',
  done: '完了',
  failed: '転送に失敗しました。',
  cancelled: '転送はキャンセルされました。',
  fileCallEnded: 'ファイルの転送が終わる前に通話が終了しました。',
  fileNotOffered: 'ファイルを誰にも送信できませんでした。',
  fileNotChecked: 'ファイルを検証できませんでした。',
  fileCancelledBy: '{name} さんがファイルの送信をキャンセルしました。',
  fileSenderLeft: 'ファイルが届く前に {name} さんが退出しました。',
  fileDamaged: 'ファイルが破損して届いたため（サイズまたはチェックサムの不一致）、破棄しました。',
  filePartial: '一部の参加者にファイルが届きませんでした。',
  fileNobody: '誰にもファイルが届きませんでした。',
  fileNotInCall: 'ファイルを共有するには通話に参加してください。',
  fileEmpty: '「{file}」は空です。',
  fileTooLarge: '「{file}」は大きすぎて共有できません（最大 {max} MB）。',
  fileAlone: 'ファイルを受け取れる参加者がまだ通話にいません。',
  fileEndedBeforeShare: 'ファイルを共有する前に通話が終了しました。',
};
export default table;
