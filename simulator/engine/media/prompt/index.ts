/** Spoken prompts: the library (by name and language), a source that plays them, and a recogniser of what a call hears. */
export { PROMPT_LANGUAGES, PromptLibrary, isPromptLanguage, type Prompt, type PromptLanguage } from './prompt-library.js';
export { promptSource } from './prompt-source.js';
export { PromptRecognizer, RECOGNITION_WINDOW_FRAMES, RECOGNITION_WINDOW_MS, SILENT_PEAK, frameKey, type HeardPrompt, type PromptIndex } from './prompt-recognizer.js';
