// French strings of file sharing. Loaded only when a call in French first shares or is offered a file (its own chunk).
import type { FileProblemStrings } from '../strings.js';

const table: FileProblemStrings = {
  sent: 'Envoyé — ouvrir',
  sending: 'Envoi',
  receiving: 'Réception',
  done: 'Terminé',
  failed: 'Le transfert a échoué.',
  cancelled: 'Le transfert a été annulé.',
  fileCallEnded: 'L’appel s’est terminé avant le transfert du fichier.',
  fileNotOffered: 'Le fichier n’a pu être proposé à personne.',
  fileNotChecked: 'Le fichier n’a pas pu être vérifié.',
  fileCancelledBy: '{name} a annulé le fichier.',
  fileSenderLeft: '{name} est parti avant l’arrivée du fichier.',
  fileDamaged: 'Le fichier est arrivé endommagé (taille ou somme de contrôle différente) et a été supprimé.',
  filePartial: 'Certains participants n’ont pas reçu le fichier.',
  fileNobody: 'Personne n’a reçu le fichier.',
  fileNotInCall: 'Rejoignez l’appel avant de partager des fichiers.',
  fileEmpty: '« {file} » est vide.',
  fileTooLarge: '« {file} » est trop volumineux pour être partagé : {max} Mo au maximum.',
  fileAlone: 'Personne d’autre n’est encore dans l’appel pour recevoir le fichier.',
  fileEndedBeforeShare: 'L’appel s’est terminé avant que le fichier puisse être partagé.',
};
export default table;
