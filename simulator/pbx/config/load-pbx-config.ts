/** Reading a PBX configuration file (`pbxlab serve --config pbx.yaml`); errors as `ConfigError`. */
import { loadConfig, parseConfig } from '../../config/load-config.js';
import { pbxConfigSchema, type PbxConfig } from './pbx-schema.js';

/** Throws `ConfigError` with every problem at its `file:line:column`. */
export const parsePbxConfig = (text: string, file: string): PbxConfig => parseConfig(text, file, pbxConfigSchema);

/** Throws `ConfigError`, also for a file that cannot be read. */
export const loadPbxConfig = (path: string): PbxConfig => loadConfig(path, pbxConfigSchema);
