/** The lines of the ConfigError a PBX configuration text (read as `pbx.yaml`) is refused with; none when it loads. */
import { ConfigError } from '../../simulator/config/index.js';
import { parsePbxConfig } from '../../simulator/pbx/config/index.js';

export function errorsOf(text: string): string[] {
  try {
    parsePbxConfig(text, 'pbx.yaml');
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    return e.message.split('\n');
  }
  return [];
}
