// Where Chromium is and how it is started for calls with fake devices and no network (see TESTING.md).
import { existsSync } from 'node:fs';

export function chromiumPath() {
  const candidates = [process.env.CHROME_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];
  const found = candidates.find((p) => p && existsSync(p));
  if (!found) {
    throw new Error('Chromium not found. Install it (Debian: `sudo apt-get install -y chromium`) or set CHROME_PATH.');
  }
  return found;
}

export const CALL_FLAGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--use-fake-device-for-media-stream',
  '--autoplay-policy=no-user-gesture-required',
  '--allow-loopback-in-peer-connection',
  '--disable-features=WebRtcHideLocalIpsWithMdns',
  '--disable-dev-shm-usage',
  // For the leak test: a real gc() and unquantised heap figures.
  '--js-flags=--expose-gc',
  '--enable-precise-memory-info',
];
