// Spanish strings of file sharing. Loaded only when a call in Spanish first shares or is offered a file (its own chunk).
import type { FileProblemStrings } from '../strings.js';

const table: FileProblemStrings = {
  sent: 'Enviado: abrir',
  sending: 'Enviando',
  receiving: 'Recibiendo',
  done: 'Listo',
  failed: 'La transferencia ha fallado.',
  cancelled: 'La transferencia se ha cancelado.',
  fileCallEnded: 'La llamada terminó antes de que se transfiriera el archivo.',
  fileNotOffered: 'No se pudo ofrecer el archivo a nadie.',
  fileNotChecked: 'No se pudo comprobar el archivo.',
  fileCancelledBy: '{name} canceló el archivo.',
  fileSenderLeft: '{name} salió antes de que llegara el archivo.',
  fileDamaged: 'El archivo llegó dañado (el tamaño o la suma de comprobación no coinciden) y se descartó.',
  filePartial: 'Algunos participantes no recibieron el archivo.',
  fileNobody: 'Nadie recibió el archivo.',
  fileNotInCall: 'Únete a la llamada antes de compartir archivos.',
  fileEmpty: '«{file}» está vacío.',
  fileTooLarge: '«{file}» es demasiado grande para compartirlo: los archivos pueden tener como máximo {max} MB.',
  fileAlone: 'Todavía no hay nadie más en la llamada que pueda recibir el archivo.',
  fileEndedBeforeShare: 'La llamada terminó antes de que se pudiera compartir el archivo.',
};
export default table;
