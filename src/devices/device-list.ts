/** The cameras, microphones and speakers the browser lists, listed again whenever one is plugged in or out. */
export class DeviceList {
  /** Every device, of every kind (`audioinput`, `videoinput`, `audiooutput`). */
  devices: MediaDeviceInfo[] = [];
  /** List the devices again (and re-render). */
  readonly refresh = () => void this.#enumerate();
  readonly #host: { requestUpdate(): void };

  constructor(host: { requestUpdate(): void }) {
    this.#host = host;
  }

  /** Follow devices being plugged in and out. */
  listen(): void {
    navigator.mediaDevices?.addEventListener('devicechange', this.refresh);
  }

  unlisten(): void {
    navigator.mediaDevices?.removeEventListener('devicechange', this.refresh);
  }

  async #enumerate(): Promise<void> {
    this.devices = (await navigator.mediaDevices?.enumerateDevices().catch(() => [])) ?? [];
    this.#host.requestUpdate();
  }
}
