/**
 * After the browser refused camera and microphone: how to allow them again, in the words of this browser's engine
 * (Chromium, Firefox, Safari) and the widget's language. Its own chunk, loaded only after a denial, so a call never
 * pays for it. A host's `strings` may override any of the keys.
 */
import type { StringOverrides } from '../core/strings.js';

export const help = {
  en: {
    allowChromium: 'To allow them again: click the icon at the left of the address bar, turn on Camera and Microphone, then Try again.',
    allowFirefox: 'To allow them again: click the crossed-out camera at the left of the address bar, remove the blocks, then Try again.',
    allowSafari: 'To allow them again: open Safari › Settings for This Website, set Camera and Microphone to Allow, then Try again.',
  },
  de: {
    allowChromium: 'Wieder erlauben: links in der Adressleiste auf das Symbol klicken, Kamera und Mikrofon einschalten, dann Erneut versuchen.',
    allowFirefox: 'Wieder erlauben: links in der Adressleiste auf die durchgestrichene Kamera klicken, die Sperren entfernen, dann Erneut versuchen.',
    allowSafari: 'Wieder erlauben: Safari › Einstellungen für diese Website, Kamera und Mikrofon auf Erlauben, dann Erneut versuchen.',
  },
  es: {
    allowChromium: 'Para permitirlos de nuevo: haz clic en el icono a la izquierda de la barra de direcciones, activa Cámara y Micrófono y pulsa Reintentar.',
    allowFirefox: 'Para permitirlos de nuevo: haz clic en la cámara tachada a la izquierda de la barra de direcciones, quita los bloqueos y pulsa Reintentar.',
    allowSafari: 'Para permitirlos de nuevo: Safari › Ajustes de este sitio web, Cámara y Micrófono en Permitir, y pulsa Reintentar.',
  },
  fr: {
    allowChromium: 'Pour les autoriser à nouveau : cliquez sur l’icône à gauche de la barre d’adresse, activez Caméra et Micro, puis Réessayer.',
    allowFirefox: 'Pour les autoriser à nouveau : cliquez sur la caméra barrée à gauche de la barre d’adresse, retirez les blocages, puis Réessayer.',
    allowSafari: 'Pour les autoriser à nouveau : Safari › Réglages pour ce site web, Caméra et Micro sur Autoriser, puis Réessayer.',
  },
  ja: {
    allowChromium: '再び許可するには: アドレスバー左のアイコンをクリックし、カメラとマイクをオンにしてから再試行してください。',
    allowFirefox: '再び許可するには: アドレスバー左の斜線付きカメラをクリックしてブロックを解除し、再試行してください。',
    allowSafari: '再び許可するには: Safari › このWebサイトの設定 で カメラとマイクを許可にして、再試行してください。',
  },
};

export type HelpStrings = typeof help.en;

/** The sentence for this browser (`userAgent`) in `lang` ("de-AT" → German; else English), with the host's overrides. */
export function allowHelp(userAgent: string, lang: string, own: StringOverrides = {}): string {
  const mine = Object.fromEntries(Object.entries(own).filter(([k, v]) => k in help.en && typeof v == 'string'));
  const t: HelpStrings = { ...help.en, ...help[lang.toLowerCase().split('-')[0] as keyof typeof help], ...mine };
  return /Firefox\//.test(userAgent) ? t.allowFirefox : /Safari\//.test(userAgent) && !/Chrom|Edg/.test(userAgent) ? t.allowSafari : t.allowChromium;
}
