// German strings of file sharing. Loaded only when a call in German first shares or is offered a file (its own chunk).
import type { FileProblemStrings } from '../strings.js';

const table: FileProblemStrings = {
  sent: 'Gesendet – öffnen',
  sending: 'Wird gesendet',
  receiving: 'Wird empfangen',
  done: 'Fertig',
  failed: 'Die Übertragung ist fehlgeschlagen.',
  cancelled: 'Die Übertragung wurde abgebrochen.',
  fileCallEnded: 'Der Anruf endete, bevor die Datei übertragen war.',
  fileNotOffered: 'Die Datei konnte niemandem angeboten werden.',
  fileNotChecked: 'Die Datei konnte nicht geprüft werden.',
  fileCancelledBy: '{name} hat die Datei abgebrochen.',
  fileSenderLeft: '{name} hat den Anruf verlassen, bevor die Datei ankam.',
  fileDamaged: 'Die Datei kam beschädigt an (Größe oder Prüfsumme weicht ab) und wurde verworfen.',
  filePartial: 'Einige Teilnehmende haben die Datei nicht erhalten.',
  fileNobody: 'Niemand hat die Datei erhalten.',
  fileNotInCall: 'Treten Sie dem Anruf bei, bevor Sie Dateien teilen.',
  fileEmpty: '„{file}“ ist leer.',
  fileTooLarge: '„{file}“ ist zu groß zum Teilen: Dateien dürfen höchstens {max} MB groß sein.',
  fileAlone: 'Es ist noch niemand im Anruf, der die Datei empfangen könnte.',
  fileEndedBeforeShare: 'Der Anruf endete, bevor die Datei geteilt werden konnte.',
};
export default table;
