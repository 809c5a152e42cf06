/** Located YAML configuration loading, shared by the PBX configuration and the scenario format. */
export { ConfigError, formatIssue, sortIssues, type ConfigIssue } from './config-error.js';
export { closestMatch, didYouMean, editDistance } from './did-you-mean.js';
export { describeValue, issueMessage } from './issue-messages.js';
export { parseLocatedYaml, type Located, type LocatedYaml, type SourcePosition } from './located-yaml.js';
export { checkConfig, loadConfig, parseConfig, EXTENSION_KEY_PREFIX, type ConfigResult } from './load-config.js';
export { objectKeysAt } from './schema-keys.js';
