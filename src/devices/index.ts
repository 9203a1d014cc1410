/**
 * The devices chunk's entry: pickers, level meters, speaking detection and the `<video>` binding, loaded with the
 * pre-join screen. Typed by `DevicesHandle` in the host contract.
 */
import type { DevicesHandle, WidgetHost } from '../core/host.js';
import { DevicesController } from './devices-controller.js';

export const createDevices = (host: WidgetHost): DevicesHandle => new DevicesController(host);
