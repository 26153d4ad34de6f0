import type { AnyCheck } from '../define';
import config_delivery_channel_healthy from './config_delivery_channel_healthy';
import config_recorder_enabled from './config_recorder_enabled';

/** The config checks. Adding one: its file here, one line in this list, and its test. */
export const CONFIG_CHECKS: readonly AnyCheck[] = [config_recorder_enabled, config_delivery_channel_healthy];
