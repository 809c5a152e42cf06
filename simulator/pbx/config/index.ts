/** The PBX configuration: schema, numbering profiles, loading, and secure terminal credentials. */
export {
  pbxConfigSchema,
  DEFAULT_LISTEN,
  type PbxConfig,
  type PbxConfigInput,
  type ExtensionConfig,
  type TerminalConfig,
  type ForwardConfig,
  type RingGroupConfig,
  type PickupGroupConfig,
  type ManagerAssistantConfig,
  type TimersConfig,
  type RegistrationConfig,
  type SecureCredentialsConfig,
} from './pbx-schema.js';
export { extensionSchema, terminalSchema, CLASSES_OF_SERVICE, WEBCALL_MODES, MAX_TERMINALS } from './extension-schema.js';
export { RING_STRATEGIES, MANAGER_ASSISTANT_MODES } from './group-schemas.js';
export { listenSpecSchema } from './listen-spec.js';
export { EXTENSION_NUMBER, EXTERNAL_NUMBER, SERVICE_CODE, VOICEMAIL_TARGET } from './dial-strings.js';
export {
  NUMBERING_PROFILES,
  NUMBERING_PROFILE_NAMES,
  SERVICE_FEATURES,
  DEFAULT_ARGUMENTS,
  resolveServiceCodes,
  type NumberingProfileName,
  type ServiceFeature,
  type ServiceCode,
  type ArgumentField,
} from './numbering-profiles.js';
export { loadPbxConfig, parsePbxConfig } from './load-pbx-config.js';
export { CredentialStore, type CredentialStoreOptions, type SecureCredential, type RotationListener } from './credential-store.js';
