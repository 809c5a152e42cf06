export { encodeGsm, GsmEncoder, GSM_FRAME_BYTES, GSM_FRAME_SAMPLES } from './encoder.js';
