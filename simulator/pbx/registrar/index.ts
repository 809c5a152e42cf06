/** The PBX registrar and location service (RFC 3261 section 10; ARCHITECTURE.md "Registration and terminals"). */
export { PbxCredentials, type PbxCredentialsOptions, type TerminalEntry, type DigestServerSettings } from './pbx-credentials.js';
export { LocationService, type Binding, type BindingChange, type BindingChangeKind, type BindingUpdate, type LocationEvents, type LocationServiceOptions } from './location-service.js';
export { Registrar, type RegistrarEvent, type RegistrarOptions } from './registrar.js';
export { contactKey } from './contact-key.js';
