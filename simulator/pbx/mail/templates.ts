/**
 * Notification templates (v-mailer: subject and body "podem ser data, protocolo, de, para e motivo
 * do desvio"; v-rec: "data, protocolo, de e para"). A field is written `{name}`; `{{` and `}}` are
 * literal braces.
 */
export type TemplateKind = 'voicemail' | 'recording';

const FIELDS: Record<TemplateKind, readonly string[]> = {
  voicemail: ['date', 'protocol', 'from', 'to', 'reason'],
  recording: ['date', 'protocol', 'from', 'to'],
};

const PLACEHOLDER = /\{\{|\}\}|\{([^{}]*)\}/g;

/** Why `text` is not a template of `kind` (an unknown field), or undefined. */
export function templateProblem(text: string, kind: TemplateKind): string | undefined {
  for (const m of text.matchAll(PLACEHOLDER)) {
    if (m[1] !== undefined && !FIELDS[kind].includes(m[1])) return `unknown field {${m[1]}}: a ${kind} template may use ${FIELDS[kind].map((f) => `{${f}}`).join(' ')}`;
  }
  return undefined;
}

export type TemplateFields = Readonly<Record<string, string>>;

export function renderTemplate(text: string, fields: TemplateFields): string {
  return text.replace(PLACEHOLDER, (all: string, name: string | undefined) => (all === '{{' ? '{' : all === '}}' ? '}' : (fields[name!] ?? '')));
}
