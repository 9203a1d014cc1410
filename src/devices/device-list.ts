/** The cameras, microphones and speakers the browser lists, listed again whenever one is plugged in or out. */
export class DeviceList {
  /** Every device, of every kind (`audioinput`, `videoinput`, `audiooutput`). */
  devices: MediaDeviceInfo[] = [];
  /** List the devices again (and re-render), once they have been listed at all. */
  readonly refresh = () => void (this.#listed && this.#enumerate());
  #listed = false;
  readonly #host: { requestUpdate(): void };

  constructor(host: { requestUpdate(): void }) {
    this.#host = host;
  }

  /**
   * List the devices the first time they are needed (a device is in use, or the pickers are shown): a page where
   * nobody asked for camera or microphone never enumerates them.
   */
  need(): void {
    if (this.#listed) return;
    this.#listed = true;
    void this.#enumerate();
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
